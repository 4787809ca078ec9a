// The priority control: a select of the scheme's named levels (keeping any in-between value exactly), or a
// number field when the scheme has no names. Shows the boosted (true) priority when it is higher.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { PriorityScheme } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { SaveController } from '../controllers/save-controller.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'
import { priorityLabel, priorityOptions } from './priority.ts'

@customElement('rfam-priority-select')
export class PrioritySelect extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, css`
    :host { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
    .control { display: flex; align-items: center; gap: 8px; }
    select, input { flex: 1; min-width: 0; }
    .boost { font-size: 0.9rem; color: var(--rfam-accent); font-weight: 600; }
    :host([hide-label]) label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `]

  @property() label = ''
  @property({ type: Boolean, reflect: true, attribute: 'hide-label' }) hideLabel = false
  @property({ attribute: false }) scheme?: PriorityScheme
  @property({ type: Number }) value = 0
  /** Priority after boosting; shown when above the asset's own priority. */
  @property({ type: Number, attribute: 'true-priority' }) truePriority?: number
  @property({ attribute: false }) save?: (value: number) => Promise<unknown>

  private readonly i18n = new I18nController(this)
  private readonly saving = new SaveController(this)

  private async _change (event: Event): Promise<void> {
    const control = event.target as HTMLSelectElement | HTMLInputElement
    const next = Number(control.value)
    if (control.value === '' || !Number.isFinite(next)) return
    await this.saving.change(this, 'value', next, this.save)
  }

  protected override updated (): void {
    const control = this.renderRoot.querySelector<HTMLSelectElement | HTMLInputElement>('#priority')
    const typing = control instanceof HTMLInputElement && this.shadowRoot?.activeElement === control
    if (control && !typing && Number(control.value) !== this.value) control.value = String(this.value)
  }

  override render () {
    const scheme = this.scheme
    if (!scheme) return nothing
    const named = (scheme.names ?? []).length > 0
    const boosted = this.truePriority !== undefined && this.truePriority > this.value
    return html`
      <label for="priority">${this.label}</label>
      <div class="control">
        ${named
          ? html`<select id="priority" @change=${this._change}>${priorityOptions(scheme, this.value)}</select>`
          : html`<input id="priority" type="number" min=${scheme.low} max=${scheme.high} step="any"
              .value=${String(this.value)} @change=${this._change}>`}
        ${saveMark(this.saving.status, this.saving.message)}
      </div>
      ${boosted ? html`<span class="boost">${t('priority:boosted', { value: priorityLabel(scheme, this.truePriority!) })}</span>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-priority-select': PrioritySelect }
}
