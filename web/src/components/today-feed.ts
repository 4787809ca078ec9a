// What happened in the project today (since the reader's own midnight): notes, changes, renders and
// checkpoints of every asset, newest first, each with its asset's name linked. Live.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { Today } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'
import { faceStyles } from './face.ts'
import { historyEntry, historyStyles } from './history-entry.ts'
import { noteTextStyles } from './note-text.ts'

const PAGE = 30

/** The start of the reader's day, in their own time zone. */
function startOfToday (): string {
  const now = new Date()
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString()
}

@customElement('rfam-today-feed')
export class TodayFeed extends LitElement {
  static override styles = [sharedStyles, faceStyles, historyStyles, noteTextStyles, css`
    :host { display: block; }
    .note-words { display: -webkit-box; -webkit-line-clamp: 4; -webkit-box-orient: vertical; overflow: hidden; }
    .note-picture img, .frame img { max-height: 120px; }
    .more { margin-top: 10px; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  /** Where links to assets come back to. */
  @property() from = 'team'

  @state() private shown = PAGE
  private readonly i18n = new I18nController(this)
  private readonly today = new ApiController<Today>(this, (signal) => api.getToday({ project: appState.project! }, { since: startOfToday() }, { signal }))
  private readonly live = reloadOnChange(this, this.today, 'history')

  override render () {
    const today = this.today.value
    const events = today?.events ?? []
    return html`
      ${this.today.error ? html`<p class="error" role="alert">${this.today.error}</p>` : nothing}
      ${!today && !this.today.error ? html`<p class="muted" aria-busy="true">${t('common:loading')}</p>` : nothing}
      ${today && events.length === 0 ? html`<p class="muted">${t('today:nothing')}</p>` : nothing}
      <ol class="timeline">${events.slice(0, this.shown).map((e) => historyEntry(e.event, e.path, { assetName: e.name ?? '', from: this.from }))}</ol>
      ${events.length > this.shown
        ? html`<button type="button" class="more" @click=${() => { this.shown += PAGE }}>${t('today:more', { count: format.number(events.length - this.shown, 0) })}</button>`
        : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-today-feed': TodayFeed }
}
