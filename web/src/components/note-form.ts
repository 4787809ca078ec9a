// Writing a note on an asset: its words (at most 5,000 characters, counted as the server counts them;
// nothing typed is cut off or lost when sending fails), '@' completion from the project's people, a
// picture pasted or chosen (uploaded when the note is sent) and a frame of one of the project's
// renders. Fires 'note-posted' with the new event once the server has it.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { JobView, NoteCreate, PublicUser } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { appState } from '../state/app-state.ts'
import { face, faceStyles } from './face.ts'

export const MAX_NOTE = 5000
/** The '@word' being typed just before the caret. */
const TYPING_MENTION = /(^|\s)@([\p{L}\p{N}_-]*)$/u

@customElement('rfam-note-form')
export class NoteForm extends LitElement {
  static override styles = [sharedStyles, faceStyles, css`
    :host { display: block; }
    .compose { position: relative; }
    textarea { min-height: 5em; }
    .count { font-size: 0.85rem; color: var(--rfam-muted); }
    .count.over { color: var(--rfam-error); font-weight: 700; }
    .row { margin-top: 8px; }
    ul.people { list-style: none; margin: 2px 0 0; padding: 4px; position: absolute; z-index: 2; left: 0; right: 0; max-width: 360px;
      background: var(--rfam-surface); border: 2px solid var(--rfam-border); border-radius: var(--rfam-radius-small); box-shadow: var(--rfam-shadow); }
    ul.people button { width: 100%; justify-content: flex-start; border-color: transparent; font-weight: 500; }
    ul.people button[aria-selected='true'] { background: var(--rfam-accent-soft); border-color: var(--rfam-accent); }
    .picked { display: inline-flex; gap: 8px; align-items: center; }
    .picked img { max-height: 64px; max-width: 120px; border-radius: var(--rfam-radius-small); border: 1px solid var(--rfam-border); }
    .frame-pick { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-top: 8px; }
    .frame-pick select { flex: 1 1 220px; min-width: 0; }
    .frame-pick input { width: 7em; }
    .error { color: var(--rfam-error); font-weight: 600; margin: 8px 0 0; }
    summary { cursor: pointer; font-weight: 600; min-height: var(--rfam-touch); display: flex; align-items: center; }
    label.button input { position: absolute; width: 1px; height: 1px; opacity: 0; }
  `]

  /** The asset's path inside the project. */
  @property() path = ''

  @state() private text = ''
  @state() private picture?: File
  @state() private preview?: string
  @state() private renders?: JobView[]
  /** The frame choice is open (its renders are loaded then, not before). */
  @state() private framesOpen = false
  @state() private frameJob = ''
  @state() private frameNumber = ''
  @state() private sending = false
  @state() private problem = ''
  @state() private suggestions: PublicUser[] = []
  @state() private chosen = 0
  @query('textarea') private textarea!: HTMLTextAreaElement
  private readonly i18n = new I18nController(this)

  private get length (): number { return [...this.text].length }

  private _input (): void {
    this.text = this.textarea.value
    this.problem = ''
    const before = this.text.slice(0, this.textarea.selectionStart ?? this.text.length)
    const typing = TYPING_MENTION.exec(before)
    if (!typing) { this.suggestions = []; return }
    const word = typing[2]!.toLowerCase()
    this.suggestions = appState.members.filter((m) => m.ident.startsWith(word) || m.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(word))).slice(0, 6)
    this.chosen = 0
  }

  /** Puts '@ident ' in place of the '@word' being typed. */
  private _mention (user: PublicUser): void {
    const caret = this.textarea.selectionStart ?? this.text.length
    const before = this.text.slice(0, caret).replace(TYPING_MENTION, (_whole, space: string) => `${space}@${user.ident} `)
    this.text = before + this.text.slice(caret)
    this.textarea.value = this.text
    this.textarea.focus()
    this.textarea.setSelectionRange(before.length, before.length)
    this.suggestions = []
  }

  private _keydown (event: KeyboardEvent): void {
    if (this.suggestions.length === 0) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      this.chosen = (this.chosen + (event.key === 'ArrowDown' ? 1 : -1) + this.suggestions.length) % this.suggestions.length
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault()
      this._mention(this.suggestions[this.chosen]!)
    } else if (event.key === 'Escape') {
      this.suggestions = []
    }
  }

  private _paste (event: ClipboardEvent): void {
    const file = [...event.clipboardData?.files ?? []].find((f) => f.type.startsWith('image/'))
    if (!file) return
    // A picture copied from a web page comes with its address as text too: the picture is what was meant.
    if (!event.clipboardData?.getData('text/plain')) event.preventDefault()
    this.setPicture(file)
  }

  private _choose (event: Event): void {
    const input = event.target as HTMLInputElement
    const file = input.files?.[0]
    if (file) this.setPicture(file)
    input.value = ''
  }

  private setPicture (file: File | undefined): void {
    if (this.preview) URL.revokeObjectURL(this.preview)
    this.picture = file
    this.preview = file ? URL.createObjectURL(file) : undefined
    this.problem = ''
  }

  private async _openFrames (event: Event): Promise<void> {
    this.framesOpen = (event.target as HTMLDetailsElement).open
    if (!this.framesOpen || this.renders) return
    try {
      const { jobs } = await api.listJobs({ project: appState.project! })
      const mine = (j: JobView) => (j.asset === this.path || j.path === this.path ? 0 : 1)
      this.renders = jobs.filter((j) => !j.video).sort((a, b) => mine(a) - mine(b) || b.created.localeCompare(a.created))
    } catch (error) {
      this.problem = errorMessage(error)
    }
  }

  private _pickRender (event: Event): void {
    this.frameJob = (event.target as HTMLSelectElement).value
    const job = this.renders?.find((j) => j.id === this.frameJob)
    this.frameNumber = job ? String(job.frameStart) : ''
  }

  private async _send (event: Event): Promise<void> {
    event.preventDefault()
    if (this.sending) return
    if (this.length > MAX_NOTE) { this.problem = t('notes:too-long', { max: format.number(MAX_NOTE, 0) }); return }
    const frame = this.frameJob && this.frameNumber !== '' ? { job: this.frameJob, frame: Number(this.frameNumber) } : undefined
    if (this.text.trim() === '' && !this.picture && !frame) { this.problem = t('notes:empty'); return }
    const project = appState.project!
    this.sending = true
    this.problem = ''
    try {
      const body: NoteCreate = { text: this.text }
      if (this.picture) body.picture = (await api.addNotePicture({ project, path: this.path }, this.picture)).picture
      if (frame) body.frame = frame
      const posted = await api.addNote({ project, path: this.path }, body)
      this.text = ''
      this.textarea.value = ''
      this.setPicture(undefined)
      this.frameJob = ''
      this.frameNumber = ''
      this.dispatchEvent(new CustomEvent('note-posted', { detail: posted, bubbles: true, composed: true }))
    } catch (error) {
      this.problem = errorMessage(error) // what was typed stays, to send again
    } finally {
      this.sending = false
    }
  }

  override disconnectedCallback (): void {
    if (this.preview) URL.revokeObjectURL(this.preview)
    super.disconnectedCallback()
  }

  private frameChoice () {
    return html`<details @toggle=${this._openFrames}>
      <summary>${t('notes:frame-add')}</summary>
      ${!this.framesOpen
        ? nothing
        : this.renders === undefined
        ? html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`
        : this.renders.length === 0
          ? html`<p class="muted">${t('notes:no-renders')}</p>`
          : html`<div class="frame-pick">
            <label class="field">${t('notes:render')}
              <select .value=${this.frameJob} @change=${this._pickRender}>
                <option value="">${t('notes:no-frame')}</option>
                ${this.renders.map((j) => html`<option value=${j.id} ?selected=${j.id === this.frameJob}>${j.name} · ${format.dateTime(j.created)}</option>`)}
              </select></label>
            <label class="field">${t('notes:frame')}
              <input type="number" inputmode="numeric" .value=${this.frameNumber} ?disabled=${!this.frameJob}
                @input=${(e: Event) => { this.frameNumber = (e.target as HTMLInputElement).value }}></label>
          </div>`}
    </details>`
  }

  override render () {
    const over = this.length > MAX_NOTE
    return html`<form @submit=${this._send}>
      <div class="field compose">
        <label for="note">${t('notes:write')}</label>
        <textarea id="note" .value=${this.text} aria-describedby="note-hint note-count" ?aria-invalid=${over}
          @input=${this._input} @keydown=${this._keydown} @paste=${this._paste} @blur=${() => setTimeout(() => { this.suggestions = [] }, 200)}></textarea>
        ${this.suggestions.length > 0
          ? html`<ul class="people" role="listbox" aria-label=${t('notes:people')}>
            ${this.suggestions.map((m, i) => html`<li><button type="button" role="option" aria-selected=${i === this.chosen ? 'true' : 'false'}
              @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this._mention(m)}>${face(m, 24, true)} ${m.name} <span class="muted">@${m.ident}</span></button></li>`)}
          </ul>`
          : nothing}
        <span class="hint" id="note-hint">${t('notes:hint')}</span>
        <span class="count ${over ? 'over' : ''}" id="note-count">${t('notes:count', { count: format.number(this.length, 0), max: format.number(MAX_NOTE, 0) })}</span>
      </div>
      <div class="row">
        <label class="button">${t('notes:picture-add')}<input type="file" accept="image/*" @change=${this._choose}></label>
        ${this.picture
          ? html`<span class="picked"><img src=${this.preview} alt=${t('notes:picture-chosen')}>
            <button type="button" class="quiet" @click=${() => this.setPicture(undefined)}>${t('notes:picture-remove')}</button></span>`
          : nothing}
        <span class="spacer"></span>
        <button type="submit" class="primary" ?disabled=${this.sending || over}>${this.sending ? t('notes:sending') : t('notes:post')}</button>
      </div>
      ${this.frameChoice()}
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
    </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-note-form': NoteForm }
}
