// The latest note on an asset with its author's face, for Home's big card (as Kitsu's to-do list
// shows the last comment): who, when, what, and a link to every note on the asset's page. Live.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { History } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { LiveUpdatesController, touches } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { faceStyles } from './face.ts'
import { historyEntry, historyStyles } from './history-entry.ts'
import { noteTextStyles } from './note-text.ts'

@customElement('rfam-latest-note')
export class LatestNote extends LitElement {
  static override styles = [sharedStyles, faceStyles, historyStyles, noteTextStyles, css`
    :host { display: block; }
    ol.timeline > li.event { padding-top: 4px; }
    .note-words { display: -webkit-box; -webkit-line-clamp: 6; -webkit-box-orient: vertical; overflow: hidden; }
    .note-picture img, .frame img { max-height: 160px; }
  `]

  /** The asset's path inside the project. */
  @property() path = ''
  /** Where the link to the asset's page comes back to. */
  @property() from = 'home'

  private readonly i18n = new I18nController(this)
  private readonly note = new ApiController<History>(this, (signal) => api.getHistory({ project: appState.project!, path: this.path }, { kind: 'note', limit: '1' }, { signal }))
  private readonly live = new LiveUpdatesController(this, () => appState.project, (changes) => {
    if (changes.some((c) => c.kind === 'history' && c.path === this.path) || touches(changes)) void this.note.reload()
  })

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('path') && changed.get('path') !== undefined) void this.note.reload()
  }

  override render () {
    const latest = this.note.value?.events[0]
    const all = html`<a class="tap" href="${assetHref(this.path, this.from)}#notes">${latest ? t('notes:all') : t('notes:first')}</a>`
    if (!this.note.value) return nothing
    return html`<section aria-labelledby="latest">
      <h3 id="latest">${t('notes:latest')}</h3>
      ${latest ? html`<ol class="timeline">${historyEntry(latest, this.path)}</ol>` : html`<p class="muted">${t('notes:none')}</p>`}
      ${all}
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-latest-note': LatestNote }
}
