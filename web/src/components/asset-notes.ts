// An asset's notes and history: the note form, then one timeline of notes and everything that happened
// to the asset, newest first, fifty at a time (asked of the server fifty at a time too: an asset with a
// thousand events opens as fast as one with a few; test/bench/notes.bench.ts). Lines of the history file that cannot be read are named
// (by line number; they are kept in the file for someone to fix). Live: a note written anywhere (another
// page, the add-on, another server) appears without a reload.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { History } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { LiveUpdatesController, touches } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'
import { faceStyles } from './face.ts'
import { historyEntry, historyStyles } from './history-entry.ts'
import { noteTextStyles } from './note-text.ts'
import './note-form.ts'

const PAGE = 50

@customElement('rfam-asset-notes')
export class AssetNotes extends LitElement {
  static override styles = [sharedStyles, faceStyles, historyStyles, noteTextStyles, css`
    :host { display: block; }
    .unreadable { border-left: 4px solid var(--rfam-error); padding: 6px 10px; margin: 10px 0; background: var(--rfam-error-soft); }
    .unreadable ul { margin: 4px 0 0; padding-left: 1.2em; }
    .more { margin-top: 10px; }
    h3 { margin-top: 18px; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  /** The asset's path inside the project. */
  @property() path = ''

  @state() private shown = PAGE
  private readonly i18n = new I18nController(this)
  private readonly history = new ApiController<History>(this, (signal) =>
    api.getHistory({ project: appState.project!, path: this.path }, { limit: String(this.shown) }, { signal }))

  private readonly live = new LiveUpdatesController(this, () => appState.project, (changes) => {
    if (changes.some((c) => c.kind === 'history' && c.path === this.path) || touches(changes)) void this.history.reload()
    else if (touches(changes, 'members')) this.requestUpdate()
  })

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('path') && changed.get('path') !== undefined) {
      this.history.value = undefined
      this.shown = PAGE
      void this.history.reload()
    }
  }

  private unreadable (history: History) {
    if (history.unreadable.length === 0) return nothing
    return html`<div class="unreadable" role="note">
      <strong>${t('notes:unreadable', { count: history.unreadable.length, file: `${this.path}.history.jsonl` })}</strong>
      <ul>${history.unreadable.slice(0, 5).map((u) => html`<li>${t('notes:unreadable-line', { line: u.line })} <span class="muted">${u.reason}</span></li>`)}</ul>
    </div>`
  }

  private _older (): void {
    this.shown += PAGE
    void this.history.reload() // the events shown stay while the older ones come
  }

  override render () {
    const history = this.history.value
    const events = history?.events ?? []
    const left = (history?.total ?? 0) - events.length
    return html`
      <rfam-note-form .path=${this.path} @note-posted=${() => this.history.reload()}></rfam-note-form>
      <h3>${t('notes:timeline')}</h3>
      ${this.history.error ? html`<p class="error" role="alert">${this.history.error}</p>` : nothing}
      ${!history && !this.history.error ? html`<p class="muted" aria-busy="true">${t('common:loading')}</p>` : nothing}
      ${history ? this.unreadable(history) : nothing}
      ${history && events.length === 0 ? html`<p class="muted">${t('notes:nothing-yet')}</p>` : nothing}
      <ol class="timeline">${events.map((e) => historyEntry(e, this.path))}</ol>
      ${left > 0
        ? html`<button type="button" class="more" ?disabled=${this.history.loading} @click=${this._older}>${t('notes:older', { count: format.number(left, 0) })}</button>`
        : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-asset-notes': AssetNotes }
}
