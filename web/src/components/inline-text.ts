// A text field (or a text area) that saves half a second after typing stops, and at once when it loses
// focus, with a saved / saving / failed mark. While someone types, values arriving from live updates wait,
// so another person's edit never wipes what is being written.
import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { SaveController } from '../controllers/save-controller.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'
import { I18nController, t } from '../controllers/i18n.ts'

const debounceMs = 500

@customElement('rfam-inline-text')
export class InlineText extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, css`
    :host { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
    .control { display: flex; align-items: flex-start; gap: 8px; }
    input, textarea { flex: 1; min-width: 0; }
    .control .save-mark { margin-top: 12px; }
    :host([hide-label]) label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    .why { color: var(--rfam-error); font-weight: 600; font-size: 0.9rem; margin: 0; }
  `]

  @property() label = ''
  @property({ type: Boolean, reflect: true, attribute: 'hide-label' }) hideLabel = false
  @property() value = ''
  @property({ type: Boolean }) multiline = false
  @property({ type: Boolean }) required = false
  @property() placeholder = ''
  @property({ type: Number }) maxlength = 200
  @property({ attribute: false }) save?: (value: string) => Promise<unknown>

  private readonly saving = new SaveController(this)
  private readonly i18n = new I18nController(this)
  /** Why what is typed is not saved (a required field left empty), shown under the field. */
  @state() private why = ''
  private timer?: ReturnType<typeof setTimeout>
  /** What the person typed and has not been saved yet. */
  private draft?: string
  private saved = ''

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('value') && this.draft === undefined) this.saved = this.value
  }

  private get field (): HTMLInputElement | HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('#text')
  }

  /** The save of the value being typed, fixed when typing starts: if the element is reused for another
   * record meanwhile, the draft still goes where it was typed. */
  private draftSave?: (value: string) => Promise<unknown>

  private _input (event: Event): void {
    if (this.draft === undefined) this.draftSave = this.save
    this.draft = (event.target as HTMLInputElement).value
    if (this.draft.trim() !== '') this.why = ''
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { void this.flush() }, debounceMs)
  }

  /** Saves the draft now (on blur, or when the debounce ends). */
  async flush (): Promise<void> {
    clearTimeout(this.timer)
    const draft = this.draft
    if (draft === undefined) return
    const save = this.draftSave ?? this.save
    if (draft === this.saved || !save) { this.draft = undefined; this.why = ''; return }
    if (this.required && draft.trim() === '') {
      this.why = t('save:empty', { field: this.label, saved: this.saved })
      return
    }
    const ok = await this.saving.run(() => save(draft))
    if (this.draft === draft) this.draft = undefined
    if (ok) {
      this.saved = draft
      this.value = draft
    }
  }

  override disconnectedCallback (): void {
    void this.flush()
    super.disconnectedCallback()
  }

  protected override updated (): void {
    const field = this.field
    if (field && this.draft === undefined && field.value !== this.value) field.value = this.value
  }

  override render () {
    return html`
      <label for="text">${this.label}</label>
      <div class="control">
        ${this.multiline
          ? html`<textarea id="text" ?required=${this.required} placeholder=${this.placeholder}
              @input=${this._input} @blur=${this.flush}></textarea>`
          : html`<input id="text" type="text" ?required=${this.required} placeholder=${this.placeholder}
              aria-invalid=${this.why ? 'true' : 'false'} aria-describedby="why"
              maxlength=${this.maxlength} @input=${this._input} @blur=${this.flush}
              @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') void this.flush() }}>`}
        ${saveMark(this.saving.status, this.saving.message)}
      </div>
      <p class="why" id="why" role="alert" ?hidden=${!this.why}>${this.why}</p>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-inline-text': InlineText }
}
