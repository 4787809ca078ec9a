// 'Slowest files': the assets that take longest to render, slowest first, each with how its time is
// worked out (a frame's time times the frames of its range, the frames never rendered counted at the
// average), so a student sees which file to make faster and why it is slow.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { AssetSummary } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { assetHref } from '../router.ts'
import { humanDuration } from './charts/durations.ts'

/** The assets with a render time, slowest (whole render) first. */
export function slowestFirst (assets: readonly AssetSummary[]): AssetSummary[] {
  return assets.filter((a) => a.meta && a.renderTime).sort((a, b) => b.renderTime!.estimateSeconds - a.renderTime!.estimateSeconds)
}

@customElement('rfam-slowest-files')
export class SlowestFiles extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    ol { margin: 0; padding-left: 1.6em; }
    li { margin: 0 0 8px; }
    li a { font-weight: 600; overflow-wrap: anywhere; }
    .time { font-weight: 700; font-variant-numeric: tabular-nums; }
    .reason { display: block; color: var(--rfam-muted); font-size: 0.9rem; }
  `]

  /** Every asset of the project (those never rendered are left out). */
  @property({ attribute: false }) assets: AssetSummary[] = []
  /** How many to list. */
  @property({ type: Number }) limit = 10

  private readonly i18n = new I18nController(this)

  override render () {
    const slowest = slowestFirst(this.assets).slice(0, this.limit)
    if (slowest.length === 0) return html`<p class="muted">${t('rtime:none')}</p>`
    return html`<ol>${slowest.map((a) => {
      const time = a.renderTime!
      const missing = time.frames - time.rendered
      const values = { frames: time.frames, mean: humanDuration(time.meanSeconds), missing }
      return html`<li data-path=${a.path}><a href=${assetHref(a.path, 'assets')}>${a.meta!.name}</a>:
        <span class="time">${humanDuration(time.estimateSeconds)}</span>
        <span class="reason">${missing > 0 ? t('rtime:reason-missing', values) : time.frames === 1 ? t('rtime:reason-one', values) : t('rtime:reason', values)}</span></li>`
    })}</ol>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-slowest-files': SlowestFiles }
}
