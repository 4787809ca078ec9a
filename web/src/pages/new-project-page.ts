// New project (staff): the team's name (its short name follows it until changed by hand), the film's
// title, the settings set, the frame rate and who is in it. Making it moves the teacher's log-in into
// the new project and goes on to "Add people".
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { ProjectCreate } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { navigate } from '../router.ts'
import { face, faceStyles } from '../components/face.ts'
import { showToast } from '../components/toast.ts'

/** Frame rates films are made at; 24 is cinema's. */
export const FRAME_RATES = [24, 25, 30, 50, 60]

/** A short name from a team name: 'Red Team!' gives 'red-team', 'Zoë's' gives 'zoes'. */
export function shortName (name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40)
}

@customElement('rfam-new-project-page')
export class NewProjectPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, css`
    form { max-width: 44rem; }
    .two { display: grid; grid-template-columns: 1fr 1fr; gap: 0 14px; }
    @media (max-width: 640px) { .two { grid-template-columns: 1fr; } }
    fieldset { border: 2px solid var(--rfam-border); border-radius: var(--rfam-radius-small); margin: 0 0 14px; padding: 8px 12px; }
    legend { font-weight: 600; padding: 0 4px; }
    .people { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 0 12px; }
    .people label { font-weight: 500; overflow-wrap: anywhere; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  @state() private name = ''
  @state() private ident = ''
  /** The short name was typed by hand: it no longer follows the team name. */
  @state() private identTouched = false
  @state() private members = new Set<string>()
  @state() private error = ''
  @state() private busy = false

  private _name (event: Event): void {
    this.name = (event.target as HTMLInputElement).value
    if (!this.identTouched) this.ident = shortName(this.name)
  }

  private _ident (event: Event): void {
    this.ident = (event.target as HTMLInputElement).value.trim()
    this.identTouched = true
  }

  private _member (ident: string, on: boolean): void {
    const next = new Set(this.members)
    if (on) next.add(ident)
    else next.delete(ident)
    this.members = next
  }

  private async _submit (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const title = String(data.get('title') ?? '').trim()
    const request: ProjectCreate = {
      ident: this.ident,
      name: this.name.trim(),
      ...(title ? { title } : {}),
      defaults: String(data.get('defaults')),
      frameRate: Number(data.get('frameRate')),
      members: [...this.members],
    }
    this.busy = true
    this.error = ''
    try {
      const project = await api.createProject(request)
      await appState.switchProject(project.ident)
      showToast(t('newproject:made', { project: project.name }))
      navigate('/people/import')
    } catch (error) {
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
  }

  override render () {
    if (appState.me?.staff !== true) return html`<div class="card"><p>${t('setup:staff-only')}</p></div>`
    const sets = appState.defaults?.sets ?? []
    const people = appState.users.filter((u) => !u.staff).sort((a, b) => a.name.localeCompare(b.name))
    return html`
      <div class="page-head"><h1>${t('newproject:title')}</h1></div>
      <form class="card" @submit=${this._submit}>
        <div class="two">
          <div class="field">
            <label for="np-name">${t('newproject:name')}</label>
            <input id="np-name" required maxlength="200" .value=${this.name} @input=${this._name} autocomplete="off">
            <span class="hint">${t('newproject:name-hint')}</span>
          </div>
          <div class="field">
            <label for="np-ident">${t('newproject:ident')}</label>
            <input id="np-ident" required maxlength="64" pattern="[a-z0-9][a-z0-9_\\-]*" .value=${this.ident} @input=${this._ident}
              autocapitalize="none" spellcheck="false" aria-describedby="np-ident-hint">
            <span class="hint" id="np-ident-hint">${t('newproject:ident-hint')}</span>
          </div>
        </div>
        <div class="field">
          <label for="np-title">${t('project:film-title')}</label>
          <input id="np-title" name="title" maxlength="200" autocomplete="off">
        </div>
        <div class="two">
          <div class="field">
            <label for="np-defaults">${t('project:defaults')}</label>
            <select id="np-defaults" name="defaults">
              ${sets.map((s) => html`<option ?selected=${s === appState.defaults?.name}>${s}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="np-fps">${t('project:frame-rate')}</label>
            <select id="np-fps" name="frameRate">
              ${FRAME_RATES.map((fps) => html`<option value=${fps}>${t('project:fps', { fps })}</option>`)}
            </select>
            <span class="hint">${t('newproject:fps-hint')}</span>
          </div>
        </div>
        <fieldset>
          <legend>${t('newproject:members')}</legend>
          <p class="muted">${t('newproject:members-hint')}</p>
          <div class="people">
            ${people.map((u) => html`<label class="check"><input type="checkbox" .checked=${this.members.has(u.ident)}
              @change=${(e: Event) => this._member(u.ident, (e.target as HTMLInputElement).checked)}>${face(u, 28, true)} ${u.name}</label>`)}
          </div>
        </fieldset>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('newproject:make')}</button>
      </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-new-project-page': NewProjectPage }
}
