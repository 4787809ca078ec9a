// The file name field of the New asset form: filled in from the type and the name as they are typed, until
// the person edits it; "Use suggested name" goes back to the derived one.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { AssetType } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { deriveFileName } from './file-name.ts'

@customElement('rfam-file-name-field')
export class FileNameField extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .field { margin: 0; }
    input { width: 100%; font-family: var(--rfam-mono); }
    button { align-self: flex-start; }
  `]

  @property({ attribute: false }) type?: AssetType
  @property() name = ''
  /** The file name: derived, or what the person typed. */
  @state() value = ''
  /** True once the person typed their own file name. */
  @state() edited = false

  private readonly i18n = new I18nController(this)

  override willUpdate (): void {
    if (!this.edited) this.value = deriveFileName(this.type, this.name)
  }

  private _input (event: Event): void {
    this.value = (event.target as HTMLInputElement).value
    this.edited = true
    this.dispatchEvent(new Event('change', { bubbles: true, composed: true }))
  }

  private _reset (): void {
    this.edited = false
    this.requestUpdate()
    this.dispatchEvent(new Event('change', { bubbles: true, composed: true }))
  }

  override render () {
    return html`<div class="field">
      <label for="file">${t('new:file')}</label>
      <span class="hint" id="file-hint">${this.type?.file ? t('new:file-hint') : t('new:file-hint-none')}</span>
      <input id="file" name="file" type="text" .value=${this.value} @input=${this._input} aria-describedby="file-hint"
        autocomplete="off" spellcheck="false">
      ${this.edited ? html`<button type="button" class="quiet" @click=${this._reset}>${t('new:file-reset')}</button>` : nothing}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-file-name-field': FileNameField }
}
