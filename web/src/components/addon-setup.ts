// "Use RFAM in Blender": the add-on's zip built for this server, three steps with pictures, and a
// connect code with a countdown. The add-on takes the code and logs in as this person, in their
// project: nobody types an address, a project or a user name (docs/addon.md). While a code is shown
// the page asks every few seconds whether Blender has connected, and says so when it has.
// On Home it shows only for someone whose Blender is not connected (`untilConnected`).
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { AddonStatus, ConnectCode } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { Countdown } from '../controllers/countdown.ts'
import { api, urls } from '../api/routes.ts'
import { appState } from '../state/app-state.ts'

/** How often the page asks whether Blender has connected, while a code is shown. */
const POLL_MS = 3000

@customElement('rfam-addon-setup')
export class AddonSetup extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    section { margin-top: 16px; }
    .download { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; margin: 12px 0 20px; }
    .download .hint { color: var(--rfam-muted); font-size: 0.9rem; flex: 1 1 240px; }
    ol { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 16px; }
    li { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
    .number { display: inline-grid; place-items: center; width: 1.8em; height: 1.8em; border-radius: 50%; background: var(--rfam-accent); color: var(--rfam-on-accent); font-weight: 700; margin-right: 6px; }
    h3 { display: flex; align-items: center; margin: 0; }
    li p { margin: 0; overflow-wrap: anywhere; }
    li > a { display: block; }
    img { display: block; width: 100%; height: auto; border-radius: var(--rfam-radius-small); border: 1px solid var(--rfam-border); background: #393939; }
    .code-box { margin-top: 4px; }
    .code { font-family: var(--rfam-mono); font-size: 2rem; font-weight: 700; letter-spacing: 0.12em; overflow-wrap: anywhere; }
    .ok { color: var(--rfam-ok); font-weight: 700; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  /** Show nothing when this person's Blender is already connected (Home); the profile page always shows it. */
  @property({ type: Boolean, attribute: 'until-connected' }) untilConnected = false
  @state() private status?: AddonStatus
  @state() private code?: ConnectCode
  @state() private connectedNow = false
  @state() private error = ''
  @state() private busy = false
  private readonly i18n = new I18nController(this)
  private readonly countdown = new Countdown(this)
  private poll?: ReturnType<typeof setInterval>

  override connectedCallback (): void {
    super.connectedCallback()
    void this.loadStatus()
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.stopPolling()
  }

  private async loadStatus (): Promise<void> {
    try {
      this.status = await api.getAddonStatus()
      if (this.code && this.tookCode(this.status, this.code)) this.connected()
    } catch (error) {
      this.error = errorMessage(error)
    }
  }

  /** Whether an add-on log-in was made since the code was (both times are the server's). */
  private tookCode (status: AddonStatus, code: ConnectCode): boolean {
    const made = Date.parse(code.expires) - code.seconds * 1000
    return status.lastConnected !== undefined && Date.parse(status.lastConnected) >= made
  }

  private connected (): void {
    this.connectedNow = true
    this.code = undefined
    this.stopPolling()
  }

  private stopPolling (): void {
    clearInterval(this.poll)
    this.poll = undefined
  }

  private _getCode = async (): Promise<void> => {
    this.busy = true
    this.error = ''
    try {
      this.code = await api.createConnectCode()
      this.connectedNow = false
      this.countdown.start(this.code.seconds)
      this.stopPolling()
      this.poll = setInterval(() => {
        if (this.countdown.remaining === 0) this.stopPolling()
        else void this.loadStatus()
      }, POLL_MS)
    } catch (error) {
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
  }

  private step (n: number, title: string, text: string, picture: string, alt: string, extra: unknown = nothing) {
    return html`<li>
      <h3><span class="number" aria-hidden="true">${n}</span>${title}</h3>
      <a href=${picture} target="_blank" rel="noopener"><img src=${picture} alt=${alt} width="687" height="420" loading="lazy"></a>
      <p>${text}</p>
      ${extra}
    </li>`
  }

  private codeBox () {
    if (this.connectedNow) return html`<p class="ok" role="status">${t('addon:connected', { name: appState.me?.name ?? '' })}</p>`
    const code = this.code
    const left = this.countdown.remaining
    const button = html`<button type="button" class=${code ? '' : 'primary'} ?disabled=${this.busy} @click=${this._getCode}>
      ${code ? t('addon:new-code') : t('addon:get-code')}</button>`
    if (!code) return html`<div class="code-box">${button}</div>`
    return html`<div class="code-box">
      ${left > 0
        ? html`<div class="muted">${t('addon:code-label')}</div>
          <div class="code" aria-label=${t('addon:code-label')}>${code.code}</div>
          <p role="timer" aria-live="off">${t('addon:code-left', { time: format.duration(left) })}</p>
          <p class="muted">${t('addon:connects-to', { server: code.server })}</p>`
        : html`<p role="status">${t('addon:code-gone')}</p>`}
      ${button}
    </div>`
  }

  override render () {
    const status = this.status
    if (!status) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing
    if (this.untilConnected && status.connected && !this.connectedNow) return nothing
    const project = appState.session?.project.name ?? ''
    return html`<section class="card" aria-labelledby="addon-heading">
      <h2 id="addon-heading">${t('addon:title')}</h2>
      <p>${t('addon:intro')}</p>
      ${status.connected && !this.code && !this.connectedNow ? html`<p class="ok">${t('addon:is-connected')}</p>` : nothing}
      <div class="download">
        <a class="button primary" href=${urls.downloadAddon()} download="rfam-addon.zip">${t('addon:download')}</a>
        <span class="hint">${t('addon:download-hint', { version: status.version })}</span>
      </div>
      <ol>
        ${this.step(1, t('addon:step1-title'), t('addon:step1'), '/addon/step-1-install.png', t('addon:step1-alt'))}
        ${this.step(2, t('addon:step2-title'), t('addon:step2'), '/addon/step-2-enable.png', t('addon:step2-alt'))}
        ${this.step(3, t('addon:step3-title'), t('addon:step3', { project }), '/addon/step-3-connect.png', t('addon:step3-alt'), this.codeBox())}
      </ol>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-addon-setup': AddonSetup }
}
