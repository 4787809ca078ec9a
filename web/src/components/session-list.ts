// Where a person is logged in (browsers, Blender), for them and for staff on their profile page: one
// button logs them out everywhere. Staff also see when wrong passwords or PINs make the person's next
// log-in wait, and can unlock it.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { SessionList } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { BusyController } from '../controllers/busy-controller.ts'
import { api } from '../api/routes.ts'
import { appState } from '../state/app-state.ts'
import { showToast } from './toast.ts'

@customElement('rfam-session-list')
export class SessionListElement extends LitElement {
  static override styles = [sharedStyles, css`
    ul { list-style: none; margin: 0 0 12px; padding: 0; }
    li { padding: 8px 0; border-bottom: 1px solid var(--rfam-border); }
    .where { font-weight: 600; }
    .when { color: var(--rfam-muted); font-size: 0.9rem; }
    .wait, .error { color: var(--rfam-error); font-weight: 600; }
    .buttons { display: flex; flex-wrap: wrap; gap: 8px; }
  `]

  /** Ident of the person whose log-ins are shown. */
  @property() user = ''
  /** Their name, for the sentences. */
  @property() name = ''
  private readonly i18n = new I18nController(this)
  private readonly action = new BusyController(this)
  private readonly list = new ApiController<SessionList>(this, (signal) => api.listUserSessions({ user: this.user }, { signal }))

  private get mine (): boolean {
    return appState.me?.ident === this.user
  }

  private _endAll = () => this.action.run(async () => {
    const { ended } = await api.endUserSessions({ user: this.user })
    // This browser's log-in was one of them: back to the log-in page.
    if (this.mine) return await appState.logout()
    showToast(t('sessions:ended', { name: this.name, count: ended }))
    await this.list.reload()
  })

  private _unlock = () => this.action.run(async () => {
    await api.unlockUser({ user: this.user })
    showToast(t('sessions:unlocked', { name: this.name }))
    await this.list.reload()
  })

  override render () {
    const list = this.list.value
    if (this.list.error && !list) return html`<p class="error" role="alert">${this.list.error}</p>`
    if (!list) return html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`
    const staff = appState.me?.staff === true
    return html`
      <p>${this.mine ? t('sessions:intro-mine') : t('sessions:intro-other', { name: this.name })}</p>
      ${list.sessions.length === 0
        ? html`<p class="muted">${t('sessions:none')}</p>`
        : html`<ul>
        ${list.sessions.map((s) => html`<li>
          <div class="where">${s.client}${s.address ? ` · ${s.address}` : ''}${s.current ? html` <span class="muted">(${t('sessions:this-one')})</span>` : nothing}</div>
          <div class="when">${t('sessions:when', { lastUsed: format.dateTime(s.lastUsed), ends: format.dateTime(s.expires) })}</div>
        </li>`)}
      </ul>`}
      ${list.waitSeconds > 0
        ? html`<p class="wait" role="status">${t('sessions:waiting', { count: list.failedTries, seconds: list.waitSeconds })}</p>`
        : list.failedTries > 0 ? html`<p class="muted">${t('sessions:failed', { count: list.failedTries })}</p>` : nothing}
      <div class="buttons">
        <button type="button" ?disabled=${this.action.busy || list.sessions.length === 0} @click=${this._endAll}>${t('sessions:end-all')}</button>
        ${staff && list.failedTries > 0 ? html`<button type="button" ?disabled=${this.action.busy} @click=${this._unlock}>${t('sessions:unlock')}</button>` : nothing}
      </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-session-list': SessionListElement }
}
