// A checkbox that saves when ticked or unticked, with a saved / saving / failed mark; on failure it flips
// back to what is stored.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { SaveOnChange } from '../controllers/save-controller.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'

@customElement('rfam-inline-check')
export class InlineCheck extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, css`
    :host { display: inline-flex; align-items: center; gap: 8px; }
    label { display: inline-flex; align-items: center; gap: 10px; min-height: var(--rfam-touch); font-weight: 500; cursor: pointer; }
  `]

  @property() label = ''
  @property({ type: Boolean }) checked = false
  @property({ attribute: false }) save?: (checked: boolean) => Promise<unknown>

  private readonly saving: SaveOnChange<'checked', boolean> = new SaveOnChange(this, 'checked', 'input')

  override render () {
    return html`
      <label><input type="checkbox" @change=${this.saving.changed}><slot name="before"></slot>${this.label}</label>
      ${saveMark(this.saving.status, this.saving.message)}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-inline-check': InlineCheck }
}
