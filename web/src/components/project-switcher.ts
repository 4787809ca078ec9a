// The header's project switcher, for people in more than one project and for staff (who reach every
// one, and find "New project…" at its end): picking a project moves the log-in there without logging out.
// The page stays the same kind of page; an asset's page goes back to the list, the asset being another
// project's.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { PublicProject } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { navigate } from '../router.ts'
import { showToast } from './toast.ts'

/** The select's value of "New project…" (no project ident has a space). */
const NEW = 'new project'

@customElement('rfam-project-switcher')
export class ProjectSwitcher extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: inline-flex; align-items: center; gap: 8px; min-width: 0; }
    select { max-width: 14rem; min-width: 0; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  @state() private projects: PublicProject[] = []
  @state() private busy = false
  private loadedFor?: string

  protected override willUpdate (): void {
    // The list is fetched again when the people change (someone joined a project) or the project does.
    const key = `${appState.project}:${appState.users.length}:${appState.me?.projects.join(',')}`
    if (key === this.loadedFor) return
    this.loadedFor = key
    api.listProjects().then((list) => { this.projects = [...list].sort((a, b) => a.name.localeCompare(b.name)) }, () => undefined)
  }

  private async _switch (event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement
    const project = select.value
    if (project === NEW) {
      select.value = appState.project ?? ''
      navigate('/projects/new')
      return
    }
    if (!project || project === appState.project) return
    this.busy = true
    try {
      await appState.switchProject(project)
      if (location.pathname === '/asset') navigate('/assets', { replace: true })
      showToast(t('switch:done', { project: appState.session!.project.name }))
    } catch (error) {
      select.value = appState.project ?? ''
      showToast(errorMessage(error), 'error')
    } finally {
      this.busy = false
    }
  }

  override render () {
    const staff = appState.me?.staff === true
    if (this.projects.length < 2 && !staff) return nothing
    return html`<label class="visually-hidden" for="switch">${t('switch:label')}</label>
      <select id="switch" title=${t('switch:label')} ?disabled=${this.busy} @change=${this._switch}>
        ${this.projects.map((p) => html`<option value=${p.ident} ?selected=${p.ident === appState.project}>${p.name}</option>`)}
        ${staff ? html`<option value=${NEW}>+ ${t('switch:new')}…</option>` : nothing}
      </select>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-project-switcher': ProjectSwitcher }
}
