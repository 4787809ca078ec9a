// Render statistics of an asset, so students see which files are slow: mean, fastest and slowest frame,
// an estimate for the whole frame range, and a small bar chart of the latest time of each frame.
import { LitElement, css, html, nothing, svg } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { RenderStats } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'

export interface FrameTime { frame: number, seconds: number }

export interface StatsSummary {
  frames: FrameTime[]
  mean: number
  fastest: FrameTime
  slowest: FrameTime
  /** Sum over the frame range, frames never rendered counted at the mean. */
  estimate: number
  /** Frames of the range never rendered. */
  missing: number
  low: number
  high: number
}

/** The latest sample of each frame, in frame order, and what follows from them. */
export function summarize (stats: RenderStats | undefined, frameStart?: number, frameEnd?: number): StatsSummary | undefined {
  const frames: FrameTime[] = []
  for (const [frame, samples] of Object.entries(stats?.frames ?? {})) {
    const latest = samples?.at(-1)
    const number = Number(frame)
    if (latest && Number.isFinite(number)) frames.push({ frame: number, seconds: latest.seconds })
  }
  if (frames.length === 0) return undefined
  frames.sort((a, b) => a.frame - b.frame)
  const total = frames.reduce((sum, f) => sum + f.seconds, 0)
  const mean = total / frames.length
  let fastest = frames[0]!
  let slowest = frames[0]!
  for (const f of frames) {
    if (f.seconds < fastest.seconds) fastest = f
    if (f.seconds > slowest.seconds) slowest = f
  }
  let missing = 0
  if (frameStart !== undefined && frameEnd !== undefined && frameEnd >= frameStart) {
    const known = new Set(frames.map((f) => f.frame))
    for (let frame = frameStart; frame <= frameEnd; frame++) if (!known.has(frame)) missing++
  }
  return {
    frames,
    mean,
    fastest,
    slowest,
    missing,
    estimate: total + missing * mean,
    low: total + missing * fastest.seconds,
    high: total + missing * slowest.seconds,
  }
}

@customElement('rfam-render-stats')
export class RenderStatsView extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
    dt { color: var(--rfam-muted); }
    dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
    svg { display: block; width: 100%; height: 90px; background: var(--rfam-surface-2); border-radius: var(--rfam-radius-small); }
    rect { fill: var(--rfam-accent); }
    rect.slowest { fill: var(--rfam-error); }
    rect.fastest { fill: var(--rfam-ok); }
    .none { color: var(--rfam-muted); margin: 0; }
  `]

  @property({ attribute: false }) stats?: RenderStats
  @property({ type: Number, attribute: 'frame-start' }) frameStart?: number
  @property({ type: Number, attribute: 'frame-end' }) frameEnd?: number

  private readonly i18n = new I18nController(this)

  private chart (summary: StatsSummary) {
    const { frames, slowest, fastest } = summary
    const width = Math.max(frames.length * 10, 100)
    const bar = width / frames.length
    const height = 100
    const max = slowest.seconds || 1
    return html`<svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img"
      aria-label=${t('stats:chart', { frames: frames.length })}>
      ${frames.map((f, i) => {
        const h = Math.max((f.seconds / max) * (height - 4), 1)
        const kind = f === slowest ? 'slowest' : f === fastest ? 'fastest' : ''
        return svg`<rect class=${kind} x=${i * bar + bar * 0.1} y=${height - h} width=${bar * 0.8} height=${h}
          ><title>${t('stats:frame', { frame: f.frame, time: format.duration(f.seconds) })}</title></rect>`
      })}
    </svg>`
  }

  override render () {
    const summary = summarize(this.stats, this.frameStart, this.frameEnd)
    const video = this.stats?.video?.at(-1)
    if (!summary && !video) return html`<p class="none">${t('stats:never')}</p>`
    return html`
      <dl>
        ${video ? html`<dt>${t('stats:video')}</dt><dd>${format.duration(video.seconds)}</dd>` : nothing}
        ${summary
          ? html`
          <dt>${t('stats:mean')}</dt><dd>${format.duration(summary.mean)}</dd>
          <dt>${t('stats:fastest')}</dt>
          <dd>${t('stats:at-frame', { time: format.duration(summary.fastest.seconds), frame: summary.fastest.frame })}</dd>
          <dt>${t('stats:slowest')}</dt>
          <dd>${t('stats:at-frame', { time: format.duration(summary.slowest.seconds), frame: summary.slowest.frame })}</dd>
          <dt>${t('stats:estimate')}</dt>
          <dd>${format.duration(summary.estimate)}${summary.missing > 0
            ? html` <span class="muted">${t('stats:estimate-range', { low: format.duration(summary.low), high: format.duration(summary.high), missing: summary.missing })}</span>`
            : nothing}</dd>`
          : nothing}
      </dl>
      ${summary ? this.chart(summary) : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-render-stats': RenderStatsView }
}
