// What a .blend renders and what spoils it, in the student's words: the one-line summary ("96 frames,
// 24 fps, 1920×1080, Cycles") and the warnings (FileWarning, each said from the language files by its
// code, the server's English sentence when a language lacks it). Shared by the render form and the
// job cards.
import { css, html, nothing } from 'lit'
import type { FileWarning, RenderSettings } from '../../../schemas/generated/types.ts'
import { i18n, t } from '../controllers/i18n.ts'
import { formatName } from '../../../common/output-formats.ts'

const ENGINES: Record<string, string> = {
  CYCLES: 'Cycles', BLENDER_EEVEE: 'Eevee', BLENDER_EEVEE_NEXT: 'Eevee', BLENDER_WORKBENCH: 'Workbench',
}

/** How warningList() looks: a bar in the error colour beside the list. */
export const warningStyles = css`
  .warnings { border-left: 4px solid var(--rfam-error); padding: 6px 12px; margin: 6px 0 0; background: color-mix(in srgb, var(--rfam-error) 8%, transparent); }
  .warnings ul { margin: 4px 0 0; padding-left: 1.2em; }
`

/** How many frames start..end by step are. */
export function frameCount (start: number, end: number, step = 1): number {
  return end < start ? 0 : Math.floor((end - start) / step) + 1
}

export function engineName (engine: string): string {
  return ENGINES[engine] ?? engine.replace(/^BLENDER_/, '').replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase())
}

/** "96 frames, 24 fps, 1920×1080, Cycles" (with the frames' real size when the percentage is not 100). */
export function settingsSummary (s: RenderSettings, frames = frameCount(s.frameStart, s.frameEnd, s.frameStep)): string {
  const [w = 0, h = 0] = s.resolution
  const size = s.resolutionPercentage === 100
    ? `${w}×${h}`
    : t('render:size-scaled', { size: `${w}×${h}`, percent: s.resolutionPercentage, real: `${Math.floor((w * s.resolutionPercentage) / 100)}×${Math.floor((h * s.resolutionPercentage) / 100)}` })
  return t('render:summary', {
    frames: frames === 1 ? t('render:one-frame') : t('render:n-frames', { count: frames }),
    fps: Number.isInteger(s.fps) ? s.fps : s.fps.toFixed(3).replace(/0+$/, ''),
    size,
    engine: engineName(s.engine),
  })
}

/**
 * A warning in the student's language: in English the server's own sentence (it can say more, such
 * as what a missing library held), in another language the language file's, else the server's.
 */
export function warningText (w: FileWarning, s?: RenderSettings | null): string {
  const key = `render:warn-${w.code}`
  return i18n.code === 'en' || !i18n.has(key)
    ? w.message
    : t(key, {
      scene: s?.scene ?? '',
      format: formatName(s?.fileFormat ?? ''),
      path: w.path ?? '',
      count: w.count ?? 0,
      of: w.of ?? 0,
    })
}

/** The warnings that hold for a job of frames (video false) or one video (true). */
export function warningsFor (warnings: FileWarning[], video: boolean): FileWarning[] {
  return warnings.filter((w) => w.when === undefined || w.when === (video ? 'video' : 'frames'))
}

/** A list of warnings (nothing when there are none), as an alert the screen reader reads out. */
export function warningList (warnings: FileWarning[], s: RenderSettings | null | undefined, heading: string) {
  if (warnings.length === 0) return nothing
  return html`<div class="warnings" role="alert">
    <strong>${heading}</strong>
    <ul>${warnings.map((w) => html`<li data-code=${w.code}>${warningText(w, s)}</li>`)}</ul>
  </div>`
}
