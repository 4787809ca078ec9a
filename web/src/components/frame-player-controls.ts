// The frames viewer's controls, as templates the player renders: the scrub bar (the play head, the
// loop range, what is loaded, and every frame without a picture marked with why) and the buttons.
import { html, nothing } from 'lit'
import { t } from '../controllers/i18n.ts'
import { missingRuns, type FrameState, type Timeline, type TimelineFrame } from './frame-player-timeline.ts'
import type { Preloader } from './frame-player-preload.ts'

export function stateName (state: FrameState): string {
  const names: Record<FrameState, string> = {
    done: t('player:state-done'),
    rendering: t('player:state-rendering'),
    waiting: t('player:state-waiting'),
    failed: t('player:state-failed'),
    cancelled: t('player:state-cancelled'),
    missing: t('player:state-missing'),
  }
  return names[state]
}

/** Why frame f shows no picture, in words; null when it has one to show. */
export function frameWords (f: TimelineFrame, failure: string | undefined): string | null {
  if (f.card !== undefined) return f.card
  if (f.url) {
    if (failure === undefined) return null
    if (failure === 'undecodable') return t('player:not-picture', { frame: f.frame })
    if (failure === 'network') return t('error:network')
    return failure
  }
  const keys: Record<FrameState, string> = {
    done: 'player:missing', rendering: 'player:rendering', waiting: 'player:waiting', failed: 'player:failed', cancelled: 'player:cancelled', missing: 'player:missing',
  }
  return t(keys[f.state], { frame: f.frame })
}

/** What is said over frame f at index i: why it has no picture (centred; a title card large), or that it is loading. */
export function shownWords (f: TimelineFrame | undefined, i: number, preload: Preloader): { text: string, kind: 'center' | 'card' | '' } | null {
  if (!f) return null
  const said = frameWords(f, preload.failure(i))
  if (said) return { text: said, kind: f.card !== undefined ? 'card' : 'center' }
  if (!preload.get(i) && !preload.ready(i)) return { text: t('player:loading', { frame: f.frame }), kind: '' }
  return null
}

/** The name of frame i: its number (with its clip's label when there are several), or a title card's words. */
export function frameLabel (tl: Timeline | null, i: number): string {
  const f = tl?.frames[i]
  if (!f) return ''
  if (f.card !== undefined) return f.card
  return tl!.clips.length > 1 ? t('player:frame-of', { label: tl!.labels[f.clip]!, frame: f.frame }) : t('player:frame', { frame: f.frame })
}

const pct = (i: number, count: number) => `${(100 * i) / Math.max(1, count)}%`

export interface BarState {
  frames: TimelineFrame[]
  index: number
  range: { start: number, end: number } | null
  loaded: Array<{ start: number, end: number }>
  label: string
}

export function scrubBar (s: BarState, handlers: { down: (e: PointerEvent) => void, move: (e: PointerEvent) => void }) {
  const n = s.frames.length
  const current = s.frames[s.index]
  return html`<div class="bar" role="slider" tabindex="-1" aria-label=${t('player:timeline')}
      aria-valuemin=${s.frames[0]?.frame ?? 0} aria-valuemax=${s.frames.at(-1)?.frame ?? 0} aria-valuenow=${current?.frame ?? 0}
      aria-valuetext=${s.label} @pointerdown=${handlers.down} @pointermove=${handlers.move}>
    ${s.loaded.map((r) => html`<span class="loaded" style="left:${pct(r.start, n)};width:${pct(r.end - r.start + 1, n)}"></span>`)}
    ${missingRuns(s.frames).map((r) => {
      const from = s.frames[r.start]!.frame
      const to = s.frames[r.end]!.frame
      const title = r.start === r.end ? t('player:mark-one', { frame: from, state: stateName(r.state) }) : t('player:mark', { from, to, state: stateName(r.state) })
      return html`<span class="mark ${r.state}" title=${title} data-from=${from} data-to=${to}
        style="left:${pct(r.start, n)};width:${pct(r.end - r.start + 1, n)}"></span>`
    })}
    ${s.range ? html`<span class="range" style="left:${pct(s.range.start, n)};width:${pct(s.range.end - s.range.start + 1, n)}"></span>` : nothing}
    <span class="head" style="left:${pct(s.index + 0.5, n)}"></span>
  </div>`
}

/** Runs of loaded indexes (for the thin line under the bar). */
export function loadedRuns (count: number, ready: (i: number) => boolean): Array<{ start: number, end: number }> {
  const runs: Array<{ start: number, end: number }> = []
  for (let i = 0; i < count; i++) {
    if (!ready(i)) continue
    const last = runs.at(-1)
    if (last && last.end === i - 1) last.end = i
    else runs.push({ start: i, end: i })
  }
  return runs
}
