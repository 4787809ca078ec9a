// Log-in: pick your project (cards with the team picture), then your face, then type your password or PIN
// if you have one. Someone without a secret is logged in by picking their face.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { LoginOptions, PublicProject, PublicUser } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api, errorMessage } from '../controllers/api-client.ts'
import { appState } from '../state/app-state.ts'
import '../components/language-switcher.ts'

@customElement('rfam-login-page')
export class LoginPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    .top { display: flex; align-items: center; gap: 12px; margin-bottom: 8px; }
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
    .pick .staff { font-size: 0.8rem; font-weight: 600; color: var(--rfam-muted); }
    section { margin-top: 24px; }
    form { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-top: 16px; }
    form .field { margin: 0; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly options = new ApiController<LoginOptions>(this, (signal) => api.get<LoginOptions>('/api/login-options', signal))
  @state() private project?: PublicProject
  @state() private user?: PublicUser
  @state() private error = ''
  @state() private busy = false

  override updated (): void {
    const projects = this.options.value?.projects ?? []
    if (!this.project && projects.length === 1) this.project = projects[0]
  }

  private people (): PublicUser[] {
    const project = this.project
    if (!project) return []
    return (this.options.value?.users ?? []).filter((u) => u.projects.includes(project.ident) || u.staff)
  }

  private _pickProject (project: PublicProject): void {
    this.project = project
    this.user = undefined
    this.error = ''
  }

  private async _pickUser (user: PublicUser): Promise<void> {
    this.user = user
    this.error = ''
    if (!user.hasSecret) await this.login()
    else {
      await this.updateComplete
      this.renderRoot.querySelector<HTMLInputElement>('#secret')?.focus()
    }
  }

  private async login (secret?: string): Promise<void> {
    if (!this.project || !this.user) return
    this.busy = true
    try {
      await appState.login({ project: this.project.ident, user: this.user.ident, ...(secret ? { secret } : {}) })
    } catch (error) {
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
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
      ${this.project ? html`<section aria-labelledby="people-heading">
        <h2 id="people-heading">${t('login:pick-person', { project: this.project.name })}</h2>
        <ul class="grid">
          ${this.people().map((u) => html`<li><button type="button" class="pick person" aria-pressed=${this.user?.ident === u.ident ? 'true' : 'false'}
            ?disabled=${this.busy} @click=${() => this._pickUser(u)}>
            <img src=${u.picture} alt="" width="112" height="112" loading="lazy"><span>${u.name}</span>
            ${u.staff ? html`<span class="staff">${t('login:staff')}</span>` : nothing}</button></li>`)}
        </ul>
      </section>` : nothing}
      ${this.user?.hasSecret ? html`<form @submit=${this._submit}>
        <div class="field">
          <label for="secret">${t('login:secret', { name: this.user.name })}</label>
          <input id="secret" type="password" autocomplete="current-password" required>
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('login:button')}</button>
      </form>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-login-page': LoginPage }
}
