// A <select> that saves as soon as it changes and shows saved / saving / failed beside it. When saving
// fails the previous value comes back, so the control never shows something that is not on disk.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { SaveOnChange } from '../controllers/save-controller.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'

export interface SelectOption { value: string, label: string }

@customElement('rfam-inline-select')
export class InlineSelect extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, css`
    :host { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
    .control { display: flex; align-items: center; gap: 8px; }
    select { flex: 1; min-width: 0; }
    :host([hide-label]) label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `]

  /** The visible (or, with hide-label, spoken) name of the field. */
  @property() label = ''
  @property({ type: Boolean, reflect: true, attribute: 'hide-label' }) hideLabel = false
  @property({ attribute: false }) options: SelectOption[] = []
  @property() value = ''
  /** Stores a new value; rejects with the server's message when it cannot. */
  @property({ attribute: false }) save?: (value: string) => Promise<unknown>

  private readonly saving: SaveOnChange<'value', string> = new SaveOnChange(this, 'value', 'select')

  override render () {
    const known = this.options.some((option) => option.value === this.value)
    return html`
      <label for="select">${this.label}</label>
      <div class="control">
        <select id="select" @change=${this.saving.changed}>
          ${known ? '' : html`<option value=${this.value} selected>${this.value}</option>`}
          ${this.options.map((option) => html`<option value=${option.value} ?selected=${option.value === this.value}>${option.label}</option>`)}
        </select>
        ${saveMark(this.saving.status, this.saving.message)}
      </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-inline-select': InlineSelect }
}
