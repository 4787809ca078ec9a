// Choose a picture and upload it: checks type and size in the browser first (the server checks again),
// shows a preview, and reports the server's answer.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { SaveController } from '../controllers/save-controller.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'

const acceptedTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif']

@customElement('rfam-picture-upload')
export class PictureUpload extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, css`
    :host { display: block; }
    .row { align-items: center; }
    img { width: 96px; height: 96px; object-fit: cover; border-radius: 50%; border: 2px solid var(--rfam-border); }
    input[type='file'] { min-height: var(--rfam-touch); padding: 8px; width: 100%; max-width: 420px; min-width: 0; }
    .error { color: var(--rfam-error); font-weight: 600; margin: 8px 0 0; }
  `]

  @property() label = ''
  /** Largest file accepted, in bytes (the server's limit). */
  @property({ type: Number, attribute: 'max-bytes' }) maxBytes = 5 * 1024 * 1024
  @property({ attribute: false }) upload?: (file: File) => Promise<unknown>

  @state() private preview?: string
  @state() private problem = ''
  private readonly i18n = new I18nController(this)
  private readonly saving = new SaveController(this)

  private async _choose (event: Event): Promise<void> {
    const input = event.target as HTMLInputElement
    const file = input.files?.[0]
    this.problem = ''
    if (!file) return
    if (!acceptedTypes.includes(file.type)) {
      this.problem = t('picture:bad-type')
      return
    }
    if (file.size > this.maxBytes) {
      this.problem = t('picture:too-big', { size: format.bytes(file.size), max: format.bytes(this.maxBytes) })
      return
    }
    if (this.preview) URL.revokeObjectURL(this.preview)
    this.preview = URL.createObjectURL(file)
    if (this.upload) await this.saving.run(() => this.upload!(file))
    input.value = ''
  }

  override disconnectedCallback (): void {
    if (this.preview) URL.revokeObjectURL(this.preview)
    super.disconnectedCallback()
  }

  override render () {
    return html`<div class="field">
      <label for="file">${this.label}</label>
      <span class="hint" id="hint">${t('picture:hint', { max: format.bytes(this.maxBytes) })}</span>
      <div class="row">
        ${this.preview ? html`<img src=${this.preview} alt=${t('picture:preview')}>` : nothing}
        <input id="file" type="file" accept=${acceptedTypes.join(',')} aria-describedby="hint" @change=${this._choose}>
        ${saveMark(this.saving.status, this.saving.message)}
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-picture-upload': PictureUpload }
}
