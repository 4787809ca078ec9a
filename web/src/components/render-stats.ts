// Render statistics of an asset, so students see which files are slow: mean, fastest and slowest frame,
// an estimate for the whole frame range, and the chart of every frame of the range (charts/frame-chart.ts).
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { RenderStats } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { latestFrames, renderTime } from '../../../common/render-estimate.ts'
import { humanDuration } from './charts/durations.ts'
import './charts/frame-chart.ts'

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
  const frames: FrameTime[] = latestFrames(stats)
  if (frames.length === 0) return undefined
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
    // The same estimate as the asset list's (the server's).
    estimate: renderTime(stats, frameStart, frameEnd)?.estimateSeconds ?? total + missing * mean,
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
    .none { color: var(--rfam-muted); margin: 0; }
  `]

  @property({ attribute: false }) stats?: RenderStats
  @property({ type: Number, attribute: 'frame-start' }) frameStart?: number
  @property({ type: Number, attribute: 'frame-end' }) frameEnd?: number

  private readonly i18n = new I18nController(this)

  override render () {
    const summary = summarize(this.stats, this.frameStart, this.frameEnd)
    const video = this.stats?.video?.at(-1)
    if (!summary && !video) return html`<p class="none">${t('stats:never')}</p>`
    return html`
      <dl>
        ${video ? html`<dt>${t('stats:video')}</dt><dd>${humanDuration(video.seconds)}</dd>` : nothing}
        ${summary
          ? html`
          <dt>${t('stats:mean')}</dt><dd>${humanDuration(summary.mean)}</dd>
          <dt>${t('stats:fastest')}</dt>
          <dd>${t('stats:at-frame', { time: humanDuration(summary.fastest.seconds), frame: summary.fastest.frame })}</dd>
          <dt>${t('stats:slowest')}</dt>
          <dd>${t('stats:at-frame', { time: humanDuration(summary.slowest.seconds), frame: summary.slowest.frame })}</dd>
          <dt>${t('stats:estimate')}</dt>
          <dd>${humanDuration(summary.estimate)}${summary.missing > 0
            ? html` <span class="muted">${t('stats:estimate-range', { low: humanDuration(summary.low), high: humanDuration(summary.high), missing: summary.missing })}</span>`
            : nothing}</dd>`
          : nothing}
      </dl>
      ${summary ? html`<rfam-frame-chart .frames=${latestFrames(this.stats)} .frameStart=${this.frameStart} .frameEnd=${this.frameEnd}></rfam-frame-chart>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-render-stats': RenderStatsView }
}
