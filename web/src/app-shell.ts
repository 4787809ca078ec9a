// The app: asks who is logged in, shows the log-in page or the header, the current page and the toasts.
// The header has the project's picture and name, the person's face and name (their profile), the tabs,
// the bell of the person's notifications, the language and a log-out button.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import { sharedStyles } from './styles/shared.ts'
import { I18nController, i18n, t } from './controllers/i18n.ts'
import { errorMessage } from './controllers/api-client.ts'
import { urls } from './api/routes.ts'
import { LiveUpdatesController, projectStream, type LiveStatus } from './controllers/live-updates.ts'
import { AppStateController, appState } from './state/app-state.ts'
import { RouterController, interceptLinkClick, type RouteName } from './router.ts'
import { face, faceStyles } from './components/face.ts'
import { showToast } from './components/toast.ts'
import './components/toast.ts'
import './components/language-switcher.ts'
import './pages/login-page.ts'
import './pages/home-page.ts'
import './pages/assets-page.ts'
import './pages/asset-page.ts'
import './pages/new-asset-page.ts'
import './pages/team-page.ts'
import './pages/project-page.ts'
import './pages/shots-page.ts'
import './pages/credits-page.ts'
import './pages/rendering-page.ts'
import './pages/profile-page.ts'
import './pages/not-found-page.ts'
import './pages/new-project-page.ts'
import './pages/add-people-page.ts'
import './pages/pictures-page.ts'
import './pages/dashboard-page.ts'
import './pages/film-page.ts'
import './components/project-switcher.ts'
import './components/notification-bell.ts'

interface Tab { route: RouteName, href: string, label: () => string, staff?: boolean }

const tabs: Tab[] = [
  { route: 'home', href: '/', label: () => t('tab:home') },
  { route: 'assets', href: '/assets', label: () => t('tab:assets') },
  { route: 'team', href: '/team', label: () => t('tab:team') },
  { route: 'project', href: '/project', label: () => t('tab:project') },
  { route: 'shots', href: '/shots', label: () => t('tab:shots') },
  { route: 'film', href: '/film', label: () => t('tab:film') },
  { route: 'rendering', href: '/rendering', label: () => t('tab:rendering') },
  { route: 'credits', href: '/credits', label: () => t('tab:credits') },
  { route: 'dashboard', href: '/dashboard', label: () => t('tab:dashboard'), staff: true },
]

/** The tab a page belongs to (an asset's page sits under Assets). */
const tabOf: Partial<Record<RouteName, RouteName>> = { asset: 'assets', 'new-asset': 'assets', 'new-project': 'project', 'add-people': 'project', pictures: 'project' }

@customElement('rfam-app')
export class AppShell extends LitElement {
  static override styles = [sharedStyles, faceStyles, css`
    :host { display: block; min-height: 100vh; }
    .skip { position: absolute; left: 8px; top: -60px; z-index: 60; background: var(--rfam-surface); padding: 10px 14px; border-radius: 8px; }
    .skip:focus { top: 8px; }
    header { background: var(--rfam-surface); box-shadow: 0 1px 0 var(--rfam-border); position: sticky; top: 0; z-index: 20; }
    .bar {
      display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; padding: 8px 16px;
      max-width: var(--rfam-page-width); margin: 0 auto;
    }
    .who { display: flex; align-items: center; gap: 10px; text-decoration: none; color: inherit; font-weight: 700; min-height: var(--rfam-touch); min-width: var(--rfam-touch); }
    .who span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .project img { width: 40px; height: 40px; border-radius: 10px; object-fit: cover; }
    .user { font-weight: 600; }
    nav { order: 10; width: 100%; }
    /* Every tab in sight at every width: a second row rather than tabs scrolled out of the strip. */
    nav ul { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
    nav a {
      display: flex; align-items: center; min-height: var(--rfam-touch); padding: 0 14px; border-radius: var(--rfam-radius-small);
      text-decoration: none; color: var(--rfam-text); font-weight: 600; white-space: nowrap;
    }
    nav a:hover { background: var(--rfam-surface-2); }
    nav a[aria-current='page'] { background: var(--rfam-accent); color: var(--rfam-on-accent); }
    .live { display: inline-flex; align-items: center; gap: 6px; font-size: 0.85rem; color: var(--rfam-muted); }
    .live::before { content: ''; width: 10px; height: 10px; border-radius: 50%; background: var(--rfam-border); }
    .live.live::before { background: var(--rfam-ok); }
    .live.offline::before { background: var(--rfam-error); }
    main:focus { outline: none; }
    .splash { padding: 3rem 1rem; text-align: center; color: var(--rfam-muted); }
    .failed { max-width: 560px; margin: 3rem auto; }
    footer { text-align: center; color: var(--rfam-muted); font-size: 0.85rem; padding: 0 16px 24px; }
    .staff-link { display: none; align-items: center; min-height: 40px; padding: 0 6px; font-weight: 600; }
    @media (max-width: 560px) {
      .bar { padding: 6px 10px; gap: 6px 10px; }
      .user-name, .live-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
      /* Every tab in sight on a phone: two rows rather than a strip scrolled off the screen. Only the tabs
         stay on screen while scrolling (the row above them scrolls away), so the page keeps the room. */
      header { top: var(--rfam-header-hide, 0px); }
      .who.project { flex: 1 1 100%; }
      nav ul { gap: 2px 4px; }
      nav a { padding: 0 10px; min-height: 40px; }
      /* Staff's own tab would need a third row: on a phone it is a link in the row that scrolls away. */
      nav li.staff { display: none; }
      .staff-link { display: flex; }
    }
  `]

  private readonly i18n = new I18nController(this)
  private readonly router = new RouterController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly live = new LiveUpdatesController(this, () => appState.project, (changes) => {
    // People and the defaults set change rarely; pages reload their own data themselves.
    if (changes.some((c) => c.kind === 'members' || c.kind === 'project' || c.kind === 'reconnect')) {
      void appState.loadProjectData().catch(() => undefined)
    }
  })

  @state() private startError = ''
  @state() private liveStatus: LiveStatus = 'connecting'
  private stopWatchingLive?: () => void
  /** Keeps --rfam-header-hide at the height of the header's top row (the part that scrolls away on a phone). */
  private readonly headerSize = new ResizeObserver(() => {
    const nav = this.renderRoot.querySelector('header nav')
    this.style.setProperty('--rfam-header-hide', nav instanceof HTMLElement ? `-${nav.offsetTop}px` : '0px')
  })

  private watchedProject?: string
  private lastRoute?: string

  override connectedCallback (): void {
    super.connectedCallback()
    this.addEventListener('click', interceptLinkClick)
    void this.start()
  }

  override disconnectedCallback (): void {
    this.headerSize.disconnect()
    this.stopWatchingLive?.()
    super.disconnectedCallback()
  }

  /** Finds out who is logged in, and loads their language (or the server's) before the first page. */
  private async start (): Promise<void> {
    try {
      await appState.loadSession((project) => this.firstData(project))
      this.connectLive()
    } catch (error) {
      this.startError = errorMessage(error)
    }
  }

  /** What the page opened first will fetch, so it can be fetched while the app starts. */
  private firstData (project: string): string[] {
    const lists: Partial<Record<RouteName, (p: { project: string }) => string>> = {
      home: urls.getTodo, assets: urls.listAssets, shots: urls.listAssets, team: urls.getTeam, project: urls.getProjectFile,
    }
    const url = lists[this.router.route.name]
    return url ? [url({ project })] : []
  }

  /** The live connection follows the session: (re)connected after a log-in, dropped at log-out. */
  private connectLive (): void {
    const project = appState.project
    if (project === this.watchedProject) return
    this.stopWatchingLive?.()
    this.stopWatchingLive = undefined
    this.watchedProject = project
    this.live.hostDisconnected()
    if (!project) return
    this.live.hostConnected()
    this.stopWatchingLive = projectStream(project).watchStatus((status) => { this.liveStatus = status })
  }

  private async _logout (): Promise<void> {
    try {
      await appState.logout()
      this.connectLive()
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  protected override updated (): void {
    this.connectLive()
    const header = this.renderRoot.querySelector('header')
    this.headerSize.disconnect()
    if (header) this.headerSize.observe(header)
    const route = location.pathname + location.search
    if (this.lastRoute !== undefined && this.lastRoute !== route) {
      // After following a link, screen readers and keyboards start at the new page's top.
      this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: true })
    }
    this.lastRoute = route
    document.title = `${this.pageTitle()} · RFAM`
  }

  private pageTitle (): string {
    if (!appState.session) return t('login:title')
    const names: Partial<Record<RouteName, () => string>> = {
      'new-asset': () => t('new:title'),
      asset: () => t('asset:title'),
      profile: () => t('profile:title'),
      'new-project': () => t('newproject:title'),
      'add-people': () => t('import:title'),
      pictures: () => t('pictures:title'),
      'not-found': () => t('notfound:title'),
    }
    const route = this.router.route.name
    return names[route]?.() ?? tabs.find((tab) => tab.route === route)?.label() ?? 'RFAM'
  }

  private page (): TemplateResult {
    const route = this.router.route
    switch (route.name) {
      case 'home': return html`<rfam-home-page></rfam-home-page>`
      case 'assets': return html`<rfam-assets-page></rfam-assets-page>`
      case 'asset': return html`<rfam-asset-page .path=${route.param ?? ''} .from=${route.query.get('from') ?? ''}></rfam-asset-page>`
      case 'new-asset': return html`<rfam-new-asset-page .presetType=${route.query.get('type') ?? ''}></rfam-new-asset-page>`
      case 'team': return html`<rfam-team-page></rfam-team-page>`
      case 'project': return html`<rfam-project-page></rfam-project-page>`
      case 'shots': return html`<rfam-shots-page></rfam-shots-page>`
      case 'film': return html`<rfam-film-page></rfam-film-page>`
      case 'credits': return html`<rfam-credits-page></rfam-credits-page>`
      case 'rendering': return html`<rfam-rendering-page .job=${route.query.get('job') ?? ''}></rfam-rendering-page>`
      case 'new-project': return html`<rfam-new-project-page></rfam-new-project-page>`
      case 'add-people': return html`<rfam-add-people-page></rfam-add-people-page>`
      case 'pictures': return html`<rfam-pictures-page></rfam-pictures-page>`
      case 'dashboard': return html`<rfam-dashboard-page></rfam-dashboard-page>`
      case 'profile': return html`<rfam-profile-page .user=${route.param ?? appState.session?.user.ident ?? ''}></rfam-profile-page>`
      default: return html`<rfam-not-found-page></rfam-not-found-page>`
    }
  }

  private header (): TemplateResult {
    const session = appState.session!
    const me = appState.me
    const current = tabOf[this.router.route.name] ?? this.router.route.name
    const liveLabel = this.liveStatus === 'live' ? t('header:live') : this.liveStatus === 'offline' ? t('header:offline') : t('header:connecting')
    return html`<header>
      <div class="bar">
        <a class="who project" href="/project" title=${t('header:project')}>
          <img src=${session.project.picture} alt="" width="40" height="40">
          <span>${session.project.name}</span>
        </a>
        <rfam-project-switcher></rfam-project-switcher>
        ${me?.staff === true ? tabs.filter((tab) => tab.staff).map((tab) => html`<a class="staff-link" href=${tab.href} aria-current=${tab.route === current ? 'page' : nothing}>${tab.label()}</a>`) : nothing}
        <span class="spacer"></span>
        <span class="live ${this.liveStatus}" role="status" title=${liveLabel}><span class="live-text">${liveLabel}</span></span>
        ${keyed(`${appState.project}:${session.user.ident}`, html`<rfam-notification-bell></rfam-notification-bell>`)}
        <rfam-language-switcher persist></rfam-language-switcher>
        <a class="who user" href="/profile" title=${t('header:profile')}>
          ${face(me, 36, true)}<span class="user-name">${me?.name ?? ''}</span>
        </a>
        <button type="button" class="quiet" @click=${this._logout}>${t('header:logout')}</button>
        <nav aria-label=${t('header:pages')}>
          <ul>${tabs.filter((tab) => !tab.staff || me?.staff === true).map((tab) => html`<li class=${tab.staff ? 'staff' : nothing}><a href=${tab.href} aria-current=${tab.route === current ? 'page' : nothing}>${tab.label()}</a></li>`)}</ul>
        </nav>
      </div>
    </header>`
  }

  override render () {
    if (this.startError) {
      return html`<div class="failed card" role="alert"><h1>RFAM</h1><p>${this.startError}</p>
        <button class="primary" @click=${() => location.reload()}>${i18n.has('action:retry') ? t('action:retry') : '↻'}</button></div>`
    }
    if (appState.session === undefined) return html`<div class="splash" aria-busy="true">RFAM…</div>`
    if (appState.session === null) {
      return html`<main id="main" tabindex="-1"><rfam-login-page></rfam-login-page></main><rfam-toast></rfam-toast>`
    }
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector<HTMLElement>('main')?.focus() }}>${t('header:skip')}</a>
      ${this.header()}
      <main id="main" tabindex="-1">${keyed(appState.project, this.page())}</main>
      <footer>${t('footer:text')}</footer>
      <rfam-toast></rfam-toast>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-app': AppShell }
}
