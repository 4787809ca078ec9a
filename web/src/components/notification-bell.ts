// The header's bell: how many of my notifications are unread, and a list of them (plain sentences,
// each a link to its asset or render, "Mark all read"), with the opt-in switch for the browser's own
// notifications. The list is fetched again whenever one of mine arrives on the live stream; a new
// unread one is also shown by the browser when the person switched that on.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { Notification, NotificationRead } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t, tSentence } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { LiveUpdatesController, touches } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'
import { assetHref, navigate } from '../router.ts'
import { noticeState, showNotice, switchNotices, type NoticeState } from '../controllers/browser-notices.ts'

/** Where a notification leads: a render to the Rendering page (the job named in the link), anything else to its asset's page. */
export function notificationHref (n: Notification): string {
  return n.job ? `/rendering?job=${encodeURIComponent(n.job)}` : assetHref(n.path)
}

@customElement('rfam-notification-bell')
export class NotificationBell extends LitElement {
  static override styles = [sharedStyles, css`
    :host { position: relative; display: inline-flex; }
    .bell { position: relative; min-width: var(--rfam-touch); min-height: var(--rfam-touch); padding: 0 10px; display: inline-flex; align-items: center; justify-content: center; }
    .bell svg { width: 22px; height: 22px; }
    .count {
      position: absolute; top: 2px; right: 0; min-width: 20px; height: 20px; padding: 0 5px; border-radius: 10px;
      background: var(--rfam-error); color: #fff; font-size: 0.75rem; font-weight: 700; line-height: 20px; text-align: center;
    }
    .panel {
      position: absolute; right: 0; top: calc(100% + 6px); z-index: 40; width: min(24rem, calc(100vw - 16px));
      max-height: min(70vh, 32rem); overflow-y: auto; background: var(--rfam-surface); border: 1px solid var(--rfam-border);
      border-radius: var(--rfam-radius); box-shadow: var(--rfam-shadow); padding: 8px;
    }
    /* On a phone the list takes the width of the screen, under the header, never cut off at a side. */
    @media (max-width: 560px) {
      .panel { position: fixed; left: 8px; right: 8px; top: 56px; width: auto; max-height: calc(100vh - 72px); }
    }
    .top { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 4px 4px 8px; }
    .top h2 { font-size: 1rem; margin: 0; }
    ul { list-style: none; margin: 0; padding: 0; }
    li a {
      display: block; padding: 8px 10px 8px 24px; border-radius: var(--rfam-radius-small); color: var(--rfam-text);
      text-decoration: none; position: relative; overflow-wrap: anywhere;
    }
    li a:hover { background: var(--rfam-surface-2); }
    li.unread a { font-weight: 600; }
    li.unread a::before { content: ''; position: absolute; left: 8px; top: 15px; width: 8px; height: 8px; border-radius: 50%; background: var(--rfam-accent); }
    .when { display: block; font-weight: 400; font-size: 0.85rem; color: var(--rfam-muted); }
    .empty, .hint, .problem { color: var(--rfam-muted); padding: 8px 4px; margin: 0; }
    .problem { color: var(--rfam-error); }
    .switch { display: flex; align-items: center; gap: 8px; padding: 10px 4px 4px; border-top: 1px solid var(--rfam-border); margin-top: 8px; min-height: var(--rfam-touch); }
  `]

  private readonly i18n = new I18nController(this)
  private readonly live = new LiveUpdatesController(this, () => appState.project, (changes) => {
    if (touches(changes, 'notification')) void this.load()
  })

  @state() private open = false
  @state() private list: Notification[] = []
  @state() private unread = 0
  @state() private problem = ''
  @state() private notices: NoticeState = 'off'
  /** Ids already seen on this page: only newer ones are shown by the browser. */
  private seen?: Set<string>
  private readonly closeOnOutside = (event: Event) => { if (!event.composedPath().includes(this)) this.open = false }
  private readonly closeOnEscape = (event: KeyboardEvent) => { if (event.key === 'Escape' && this.open) { this.open = false; this.renderRoot.querySelector<HTMLElement>('.bell')?.focus() } }

  override connectedCallback (): void {
    super.connectedCallback()
    document.addEventListener('click', this.closeOnOutside)
    document.addEventListener('keydown', this.closeOnEscape)
    this.notices = noticeState(this.user)
    void this.load()
  }

  override disconnectedCallback (): void {
    document.removeEventListener('click', this.closeOnOutside)
    document.removeEventListener('keydown', this.closeOnEscape)
    super.disconnectedCallback()
  }

  private get user (): string { return appState.session?.user.ident ?? '' }

  private async load (): Promise<void> {
    const project = appState.project
    if (!project) return
    try {
      const got = await api.listNotifications({ project })
      this.show(got.notifications, got.unread)
      this.problem = ''
    } catch (error) {
      this.problem = `${t('notify:load-failed')} (${errorMessage(error)})`
    }
  }

  private show (list: Notification[], unread: number): void {
    const first = this.seen === undefined
    this.seen ??= new Set()
    for (const n of [...list].reverse()) {
      if (this.seen.has(n.id)) continue
      this.seen.add(n.id)
      if (!first && !n.read) showNotice(this.user, n, this.text(n), (href) => navigate(href), notificationHref(n))
    }
    this.list = list
    this.unread = unread
  }

  private text (n: Notification): string { return tSentence(n.sentence, n.message) }

  private async markRead (body: NotificationRead): Promise<void> {
    const project = appState.project
    if (!project) return
    try {
      const got = await api.markNotificationsRead({ project }, body)
      this.show(got.notifications, got.unread)
    } catch (error) {
      this.problem = errorMessage(error)
    }
  }

  private _toggle (): void {
    this.open = !this.open
    if (this.open) void this.load()
  }

  private _follow (n: Notification): void {
    this.open = false
    if (!n.read) void this.markRead({ ids: [n.id] })
  }

  private async _switch (event: Event): Promise<void> {
    const box = event.target as HTMLInputElement
    this.notices = await switchNotices(this.user, box.checked)
    box.checked = this.notices === 'on'
  }

  private panel () {
    const switchNote = this.notices === 'denied' ? t('notify:browser-denied') : this.notices === 'unsupported' ? t('notify:browser-unsupported') : t('notify:browser-hint')
    return html`<div class="panel" role="dialog" aria-label=${t('notify:bell')}>
      <div class="top">
        <h2>${t('notify:bell')}</h2>
        ${this.unread > 0 ? html`<button type="button" class="quiet mark-all" @click=${() => this.markRead({ all: true })}>${t('notify:mark-all-read')}</button>` : nothing}
      </div>
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      ${this.list.length === 0
        ? html`<p class="empty">${t('notify:none')}</p>`
        : html`<ul>${this.list.map((n) => html`<li class=${n.read ? 'read' : 'unread'}>
            <a href=${notificationHref(n)} @click=${() => this._follow(n)}>${this.text(n)}<span class="when">${format.dateTime(n.at)}</span></a>
          </li>`)}</ul>`}
      <label class="switch">
        <input type="checkbox" class="browser" .checked=${this.notices === 'on'} ?disabled=${this.notices === 'unsupported'} @change=${this._switch}>
        ${t('notify:browser')}
      </label>
      <p class="hint">${switchNote}</p>
    </div>`
  }

  override render () {
    const label = this.unread > 0 ? t('notify:bell-unread', { count: this.unread }) : t('notify:bell')
    return html`<button type="button" class="quiet bell" aria-expanded=${this.open ? 'true' : 'false'} aria-label=${label} title=${label} @click=${this._toggle}>
        <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/></svg>
        ${this.unread > 0 ? html`<span class="count" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>` : nothing}
      </button>
      ${this.open ? this.panel() : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-notification-bell': NotificationBell }
}
