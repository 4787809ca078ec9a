// Log-in: pick your project (cards with the team picture), then your face, then type your password or PIN
// if you have one. Someone without a secret is logged in by picking their face; for someone with one, the
// server answers that a secret is needed (strangers are not told beforehand who has one, nor who is staff).
// Staff who are in no project type their user name. After wrong tries the server makes the next one
// wait; the page counts the wait down.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { LoginOptions, LoginPerson, PublicProject } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { ApiFailure, errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { Countdown } from '../controllers/countdown.ts'
import { appState } from '../state/app-state.ts'
import '../components/language-switcher.ts'

@customElement('rfam-login-page')
export class LoginPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    .top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin-bottom: 8px; }
    .logo { width: 44px; height: 44px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 14px; list-style: none; margin: 0; padding: 0; }
    .pick {
      width: 100%; min-height: 180px; flex-direction: column; padding: 14px; gap: 10px;
      border: 2px solid transparent; background: var(--rfam-surface); box-shadow: var(--rfam-shadow);
      color: var(--rfam-text); border-radius: var(--rfam-radius);
    }
    .pick:hover { border-color: var(--rfam-accent); background: var(--rfam-surface); }
    .pick[aria-pressed='true'] { border-color: var(--rfam-accent); background: var(--rfam-accent-soft); }
    .pick img { width: 112px; height: 112px; object-fit: cover; border-radius: 16px; }
    .pick.person img { border-radius: 50%; }
    .pick span { overflow-wrap: anywhere; }
    section { margin-top: 24px; }
    form { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-top: 16px; }
    form .field { margin: 0; }
    .error { color: var(--rfam-error); font-weight: 600; }
    details { margin-top: 16px; }
    summary { cursor: pointer; color: var(--rfam-muted); padding: 10px 0; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly options = new ApiController<LoginOptions>(this, (signal) => api.loginOptions({ signal }))
  private readonly countdown = new Countdown(this)
  @state() private project?: PublicProject
  @state() private user?: LoginPerson
  /** The picked person has a password or PIN (the server said so when their face was picked). */
  @state() private needsSecret = false
  @state() private error = ''
  @state() private busy = false

  override updated (): void {
    const projects = this.options.value?.projects ?? []
    if (!this.project && projects.length === 1) this.project = projects[0]
  }

  private people (): LoginPerson[] {
    const project = this.project
    if (!project) return []
    return (this.options.value?.users ?? []).filter((u) => u.projects.includes(project.ident))
  }

  private _pickProject (project: PublicProject): void {
    this.project = project
    this.user = undefined
    this.needsSecret = false
    this.error = ''
  }

  private async _pickUser (user: LoginPerson): Promise<void> {
    const same = this.user?.ident === user.ident
    this.user = user
    this.error = ''
    if (!same) this.needsSecret = false
    if (this.needsSecret) await this.focusSecret()
    else await this.login()
  }

  /** Staff in no project (or anyone) by user name: the server says whether a secret is needed. */
  private _typeName (event: SubmitEvent): void {
    event.preventDefault()
    const ident = (this.renderRoot.querySelector<HTMLInputElement>('#ident')?.value ?? '').trim().toLowerCase()
    if (ident) void this._pickUser({ ident, name: ident, projects: [], picture: '' })
  }

  private async focusSecret (): Promise<void> {
    await this.updateComplete
    this.renderRoot.querySelector<HTMLInputElement>('#secret')?.focus()
  }

  private async login (secret?: string): Promise<void> {
    if (!this.project || !this.user) return
    this.busy = true
    try {
      await appState.login({ project: this.project.ident, user: this.user.ident, ...(secret ? { secret } : {}) })
    } catch (error) {
      this.failed(error)
    } finally {
      this.busy = false
    }
    if (this.needsSecret) await this.focusSecret()
  }

  /** Says what went wrong in the page's language; the server's own sentence otherwise. */
  private failed (error: unknown): void {
    const code = error instanceof ApiFailure ? error.code : undefined
    if (code === 'RFAM_SECRET_NEEDED') {
      this.needsSecret = true
      this.error = ''
    } else if (code === 'RFAM_LOGIN_WAIT') {
      this.countdown.start((error as ApiFailure).retryAfter ?? 1)
      this.error = ''
    } else if (code === 'RFAM_LOGIN_FAILED' && this.needsSecret) {
      this.error = t('login:wrong')
    } else if (code === 'RFAM_LOGIN_BUSY') {
      this.error = t('login:busy')
    } else {
      this.error = errorMessage(error)
    }
  }

  private waitText (): string {
    const seconds = this.countdown.remaining
    if (seconds >= 120) return t('login:wait-minutes', { minutes: Math.ceil(seconds / 60) })
    return seconds === 1 ? t('login:wait-second') : t('login:wait-seconds', { seconds })
  }

  private _submit (event: SubmitEvent): void {
    event.preventDefault()
    const secret = (this.renderRoot.querySelector<HTMLInputElement>('#secret')?.value ?? '')
    void this.login(secret)
  }

  override render () {
    const options = this.options.value
    return html`
      <div class="top">
        <img class="logo" src="/icon.svg" alt="">
        <h1>${t('login:welcome')}</h1>
        <span class="spacer"></span>
        <rfam-language-switcher></rfam-language-switcher>
      </div>
      ${this.options.error ? html`<p class="error" role="alert">${this.options.error}</p>` : nothing}
      ${options && options.projects.length === 0 ? html`<p>${t('login:no-projects')}</p>` : nothing}
      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading">${t('login:pick-project')}</h2>
        <ul class="grid">
          ${(options?.projects ?? []).map((p) => html`<li><button type="button" class="pick" aria-pressed=${this.project?.ident === p.ident ? 'true' : 'false'}
            @click=${() => this._pickProject(p)}><img src=${p.picture} alt="" width="112" height="112"><span>${p.name}</span></button></li>`)}
        </ul>
      </section>
      ${this.project
        ? html`<section aria-labelledby="people-heading">
        <h2 id="people-heading">${t('login:pick-person', { project: this.project.name })}</h2>
        <ul class="grid">
          ${this.people().map((u) => html`<li><button type="button" class="pick person" aria-pressed=${this.user?.ident === u.ident ? 'true' : 'false'}
            ?disabled=${this.busy} @click=${() => this._pickUser(u)}>
            <img src=${u.picture} alt="" width="112" height="112" loading="lazy"><span>${u.name}</span></button></li>`)}
        </ul>
        <details>
          <summary>${t('login:not-listed')}</summary>
          <form @submit=${this._typeName}>
            <div class="field">
              <label for="ident">${t('login:user-name')}</label>
              <input id="ident" autocomplete="username" autocapitalize="none" spellcheck="false" required>
            </div>
            <button type="submit" ?disabled=${this.busy}>${t('login:next')}</button>
          </form>
        </details>
      </section>`
        : nothing}
      ${this.user && this.needsSecret
        ? html`<form @submit=${this._submit}>
        <div class="field">
          <label for="secret">${t('login:secret', { name: this.user.name })}</label>
          <input id="secret" type="password" autocomplete="current-password" required>
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy || this.countdown.remaining > 0}>${t('login:button')}</button>
      </form>`
        : nothing}
      ${this.countdown.remaining > 0 ? html`<p class="error" role="alert">${this.waitText()}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-login-page': LoginPage }
}
