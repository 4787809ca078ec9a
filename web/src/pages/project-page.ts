// Project: the film's title, description, defaults set and licence; the credits' roles in order (move up
// and down); external assets with their licences. Only staff change these settings (students see them as
// text; the server refuses them anyway), every member writes the description. Staff also add people to
// the project and change the team picture, and see the files RFAM cannot read (components/problem-list.ts).
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { ExternalAsset, ProjectFile, ProjectFileUpdate, Role } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { uuid } from '../state/uuid.ts'
import { face, faceStyles } from '../components/face.ts'
import { showToast } from '../components/toast.ts'
import { submittedForm } from '../components/submitted-form.ts'
import '../components/inline-select.ts'
import '../components/inline-text.ts'
import '../components/picture-upload.ts'
import '../components/problem-list.ts'
import { FRAME_RATES } from './new-project-page.ts'

@customElement('rfam-project-page')
export class ProjectPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, css`
    section.card { margin-bottom: 20px; }
    .two { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
    @media (max-width: 720px) { .two { grid-template-columns: 1fr; } }
    ol, ul.list { list-style: none; margin: 0 0 12px; padding: 0; }
    .role, .external {
      display: grid; gap: 8px; align-items: end; padding: 10px 0; border-bottom: 1px solid var(--rfam-surface-2);
    }
    .role { grid-template-columns: auto minmax(8rem, 2fr) minmax(8rem, 2fr) auto; }
    .external { grid-template-columns: minmax(8rem, 2fr) minmax(8rem, 1.5fr) minmax(8rem, 1.5fr) auto; }
    @media (max-width: 720px) {
      .role { grid-template-columns: auto 1fr; }
      .role > :nth-child(3), .role > :nth-child(4) { grid-column: 2; }
      .external { grid-template-columns: 1fr; }
    }
    .moves { display: flex; gap: 4px; }
    .moves button { min-width: var(--rfam-touch); padding: 0; }
    .add { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
    .add .field { margin: 0; flex: 1 1 180px; }
    .add input, .add select { width: 100%; }
    .no-license { color: var(--rfam-warn); font-weight: 600; font-size: 0.9rem; }
    .team-picture { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
    .team-picture img { width: 96px; height: 96px; object-fit: cover; border-radius: 16px; }
    .team-picture rfam-picture-upload { flex: 1 1 220px; min-width: 0; }
    .error { color: var(--rfam-error); font-weight: 600; }
    dl.settings { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 6px 14px; margin: 12px 0 0; }
    dl.settings dt { font-weight: 600; }
    dl.settings dd { margin: 0; overflow-wrap: anywhere; white-space: pre-line; }
    @media (max-width: 720px) { dl.settings { grid-template-columns: minmax(0, 1fr); } dl.settings dd { margin-bottom: 6px; } }
    li.line { padding: 8px 0; border-bottom: 1px solid var(--rfam-surface-2); overflow-wrap: anywhere; }
    li.line > * + *::before { content: ' · '; color: var(--rfam-muted); font-weight: 400; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly file = new ApiController<ProjectFile>(this, (signal) => api.getProjectFile({ project: appState.project! }, { signal }))
  private readonly live = reloadOnChange(this, this.file, 'project', 'members')

  /** After a move, the moved role's button gets the focus back (moving an element in the DOM drops it). */
  @state() private focusAfterMove?: { id: string, direction: 'up' | 'down' }

  private async patch (update: ProjectFileUpdate): Promise<void> {
    this.file.value = await api.updateProjectFile({ project: appState.project! }, update)
    this.requestUpdate()
  }

  private field (key: 'title' | 'description' | 'license' | 'defaults' | 'sound') {
    return (value: string) => this.patch({ [key]: value })
  }

  /** Only staff change the film's settings; everyone else sees them as text. */
  private get staff (): boolean { return appState.me?.staff === true }

  private get roles (): Role[] { return this.file.value?.roles ?? [] }
  private get externals (): ExternalAsset[] { return this.file.value?.externalAssets ?? [] }

  private async saveRoles (roles: Role[]): Promise<void> {
    const before = this.file.value
    // Shown at once; put back if the server refuses.
    if (before) this.file.value = { ...before, roles }
    try {
      await this.patch({ roles })
    } catch (error) {
      if (before) this.file.value = before
      this.requestUpdate()
      throw error
    }
  }

  private async _move (id: string, direction: 'up' | 'down'): Promise<void> {
    const roles = [...this.roles]
    const from = roles.findIndex((r) => r.id === id)
    const to = direction === 'up' ? from - 1 : from + 1
    if (from < 0 || to < 0 || to >= roles.length) return
    ;[roles[from], roles[to]] = [roles[to]!, roles[from]!]
    this.focusAfterMove = { id, direction }
    try {
      await this.saveRoles(roles)
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _removeRole (id: string): Promise<void> {
    try {
      await this.saveRoles(this.roles.filter((r) => r.id !== id))
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private changeRole (id: string, key: 'role' | 'user') {
    return (value: string) => this.saveRoles(this.roles.map((r) => (r.id === id ? { ...r, [key]: value } : r)))
  }

  private async _addRole (event: SubmitEvent): Promise<void> {
    const { form, field } = submittedForm(event)
    const role = field('role')
    const user = field('user')
    if (!role || !user) {
      showToast(t('project:role-needs'), 'error')
      return
    }
    try {
      await this.saveRoles([...this.roles, { id: uuid(), role, user }])
      form.reset()
      form.querySelector<HTMLInputElement>('input')?.focus()
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async saveExternals (externalAssets: ExternalAsset[]): Promise<void> {
    await this.patch({ externalAssets })
  }

  private changeExternal (id: string, key: 'description' | 'license' | 'origin') {
    return (value: string) => this.saveExternals(this.externals.map((e) => (e.id === id ? { ...e, [key]: value } : e)))
  }

  private async _removeExternal (id: string): Promise<void> {
    try {
      await this.saveExternals(this.externals.filter((e) => e.id !== id))
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _addExternal (event: SubmitEvent): Promise<void> {
    const { form, field } = submittedForm(event)
    const description = field('description')
    if (!description) {
      showToast(t('project:external-needs'), 'error')
      return
    }
    const external: ExternalAsset = { id: uuid(), description }
    const license = field('license')
    const origin = field('origin')
    if (license) external.license = license
    if (origin) external.origin = origin
    try {
      await this.saveExternals([...this.externals, external])
      form.reset()
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _addMember (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const select = (event.target as HTMLFormElement).querySelector('select')!
    if (!select.value) return
    try {
      await api.addProjectMember({ project: appState.project! }, { user: select.value })
      showToast(t('project:member-added', { name: appState.userName(select.value) }))
      await appState.loadProjectData()
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private _uploadTeamPicture = async (file: File): Promise<void> => {
    await api.setProjectPicture({ project: appState.project! }, file)
    await appState.loadSession()
  }

  protected override updated (): void {
    const move = this.focusAfterMove
    if (!move) return
    this.focusAfterMove = undefined
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>(`[data-role="${move.id}"] .moves button`)
    const preferred = move.direction === 'up' ? buttons[0] : buttons[1]
    const target = preferred && !preferred.disabled ? preferred : [...buttons].find((b) => !b.disabled)
    target?.focus()
  }

  private staffHint () {
    return html`<p class="muted">${t('project:staff-only-hint')}</p>`
  }

  private rolesReadOnly () {
    return html`<section class="card" aria-labelledby="roles">
      <h2 id="roles">${t('project:roles')}</h2>
      <p class="muted">${t('project:roles-hint')}</p>
      ${this.staffHint()}
      <ol>${this.roles.map((r) => html`<li class="line">${r.role}: ${appState.userName(r.user)}</li>`)}</ol>
    </section>`
  }

  private externalsReadOnly () {
    return html`<section class="card" aria-labelledby="externals">
      <h2 id="externals">${t('project:externals')}</h2>
      <p class="muted">${t('project:externals-hint')}</p>
      ${this.staffHint()}
      <ul class="list">${this.externals.map((e) => html`<li class="line">
        <strong>${e.description}</strong>
        <span>${e.license?.trim() ? `${t('project:external-license')}: ${e.license}` : html`<span class="no-license">⚠ ${t('project:no-license')}</span>`}</span>
        ${e.origin?.trim() ? html`<span>${t('project:external-origin')}: ${e.origin}</span>` : nothing}
      </li>`)}</ul>
    </section>`
  }

  private rolesSection () {
    if (!this.staff) return this.rolesReadOnly()
    const members = appState.members
    const people = members.map((m) => ({ value: m.ident, label: m.name }))
    const roles = this.roles
    return html`<section class="card" aria-labelledby="roles">
      <h2 id="roles">${t('project:roles')}</h2>
      <p class="muted">${t('project:roles-hint')}</p>
      <ol>
        ${repeat(roles, (r) => r.id, (r, i) => html`<li class="role" data-role=${r.id}>
          <div class="moves">
            <button type="button" ?disabled=${i === 0} @click=${() => this._move(r.id, 'up')}
              aria-label=${t('project:move-up', { role: r.role, name: appState.userName(r.user) })}>▲</button>
            <button type="button" ?disabled=${i === roles.length - 1} @click=${() => this._move(r.id, 'down')}
              aria-label=${t('project:move-down', { role: r.role, name: appState.userName(r.user) })}>▼</button>
          </div>
          <rfam-inline-text hide-label label=${t('project:role')} .value=${r.role} required
            .save=${this.changeRole(r.id, 'role')}></rfam-inline-text>
          <rfam-inline-select hide-label label=${t('project:person')} .options=${people} .value=${r.user}
            .save=${this.changeRole(r.id, 'user')}></rfam-inline-select>
          <button type="button" class="danger" @click=${() => this._removeRole(r.id)}
            aria-label=${t('project:remove-role', { role: r.role, name: appState.userName(r.user) })}>${t('action:remove')}</button>
        </li>`)}
      </ol>
      <form class="add" @submit=${this._addRole}>
        <div class="field"><label for="new-role">${t('project:role')}</label><input id="new-role" name="role" type="text" maxlength="200"></div>
        <div class="field"><label for="new-role-user">${t('project:person')}</label>
          <select id="new-role-user" name="user">${members.map((m) => html`<option value=${m.ident}>${m.name}</option>`)}</select></div>
        <button type="submit">${t('project:add-role')}</button>
      </form>
    </section>`
  }

  private externalsSection () {
    if (!this.staff) return this.externalsReadOnly()
    return html`<section class="card" aria-labelledby="externals">
      <h2 id="externals">${t('project:externals')}</h2>
      <p class="muted">${t('project:externals-hint')}</p>
      <ul class="list">
        ${repeat(this.externals, (e) => e.id, (e) => html`<li class="external">
          <rfam-inline-text label=${t('project:external-description')} .value=${e.description} required
            .save=${this.changeExternal(e.id, 'description')}></rfam-inline-text>
          <div>
            <rfam-inline-text label=${t('project:external-license')} .value=${e.license ?? ''}
              .save=${this.changeExternal(e.id, 'license')}></rfam-inline-text>
            ${e.license?.trim() ? nothing : html`<span class="no-license">⚠ ${t('project:no-license')}</span>`}
          </div>
          <rfam-inline-text label=${t('project:external-origin')} .value=${e.origin ?? ''}
            .save=${this.changeExternal(e.id, 'origin')}></rfam-inline-text>
          <button type="button" class="danger" @click=${() => this._removeExternal(e.id)}
            aria-label=${t('project:remove-external', { name: e.description })}>${t('action:remove')}</button>
        </li>`)}
      </ul>
      <form class="add" @submit=${this._addExternal}>
        <div class="field"><label for="new-ext-description">${t('project:external-description')}</label><input id="new-ext-description" name="description" type="text"></div>
        <div class="field"><label for="new-ext-license">${t('project:external-license')}</label><input id="new-ext-license" name="license" type="text"></div>
        <div class="field"><label for="new-ext-origin">${t('project:external-origin')}</label><input id="new-ext-origin" name="origin" type="text"></div>
        <button type="submit">${t('project:add-external')}</button>
      </form>
    </section>`
  }

  private staffSection () {
    const project = appState.project!
    const outside = appState.users.filter((u) => !u.projects.includes(project)).sort((a, b) => a.name.localeCompare(b.name))
    return html`<section class="card" aria-labelledby="staff">
      <h2 id="staff">${t('project:staff')}</h2>
      <p class="row"><a class="button" href="/people/import">${t('import:title')}</a>
        <a class="button" href="/people/pictures">${t('pictures:title')}</a>
        <a class="button" href="/projects/new">${t('newproject:title')}</a></p>
      <div class="team-picture">
        <img src=${appState.session!.project.picture} alt=${t('project:team-picture')}>
        <rfam-picture-upload label=${t('project:team-picture')} .upload=${this._uploadTeamPicture}></rfam-picture-upload>
      </div>
      <h3>${t('project:members')}</h3>
      <div class="faces">${appState.members.map((m) => html`${face(m, 36)}`)}</div>
      ${outside.length === 0
        ? html`<p class="muted">${t('project:everyone-in')}</p>`
        : html`<form class="add" @submit=${this._addMember}>
        <div class="field"><label for="new-member">${t('project:add-member')}</label>
          <select id="new-member">
            <option value="">${t('project:choose-person')}</option>
            ${outside.map((u) => html`<option value=${u.ident}>${u.name}</option>`)}
          </select></div>
        <button type="submit">${t('action:add')}</button>
      </form>`}
    </section>`
  }

  private filmSection (file: ProjectFile) {
    const sets = (appState.defaults?.sets ?? []).map((name) => ({ value: name, label: name }))
    return html`<section class="card" aria-labelledby="film">
      <h2 id="film">${t('project:film')}</h2>
      <rfam-inline-text label=${t('project:film-title')} .value=${file.title ?? ''} .save=${this.field('title')}></rfam-inline-text>
      <rfam-inline-text multiline label=${t('project:description')} .value=${file.description ?? ''} .save=${this.field('description')}></rfam-inline-text>
      <div class="two">
        <rfam-inline-select label=${t('project:defaults')} .options=${sets} .value=${file.defaults ?? appState.defaults?.name ?? ''}
          .save=${async (value: string) => { await this.field('defaults')(value); await appState.loadProjectData() }}></rfam-inline-select>
        <rfam-inline-text multiline label=${t('project:license')} .value=${file.license ?? ''} .save=${this.field('license')}></rfam-inline-text>
      </div>
      <rfam-inline-select label=${t('project:frame-rate')} .value=${String(file.frameRate ?? '')}
        .options=${[...(file.frameRate === undefined ? [{ value: '', label: t('project:not-set') }] : []), ...[...new Set([...FRAME_RATES, file.frameRate ?? 24])].map((fps) => ({ value: String(fps), label: t('project:fps', { fps }) }))]}
        .save=${(value: string) => this.patch({ frameRate: Number(value) })}></rfam-inline-select>
      <rfam-inline-text label=${t('project:sound')} .value=${file.sound ?? ''} .save=${this.field('sound')}></rfam-inline-text>
    </section>`
  }

  /** The film as students see it: the description is theirs to write, the rest is text. */
  private filmReadOnly (file: ProjectFile) {
    const shown = (value: string | undefined) => value?.trim() ? value : t('project:not-set')
    return html`<section class="card" aria-labelledby="film">
      <h2 id="film">${t('project:film')}</h2>
      <rfam-inline-text multiline label=${t('project:description')} .value=${file.description ?? ''} .save=${this.field('description')}></rfam-inline-text>
      <dl class="settings">
        <dt>${t('project:film-title')}</dt><dd>${shown(file.title)}</dd>
        <dt>${t('project:defaults')}</dt><dd>${shown(file.defaults ?? appState.defaults?.name)}</dd>
        <dt>${t('project:license')}</dt><dd>${shown(file.license)}</dd>
        <dt>${t('project:frame-rate')}</dt><dd>${file.frameRate ? t('project:fps', { fps: file.frameRate }) : t('project:not-set')}</dd>
        <dt>${t('project:sound')}</dt><dd>${shown(file.sound)}</dd>
      </dl>
      ${this.staffHint()}
    </section>`
  }

  override render () {
    const file = this.file.value
    if (this.file.error && !file) return html`<p class="error" role="alert">${this.file.error}</p>`
    if (!file) return html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`
    return html`
      <div class="page-head">
        <h1>${t('project:title')}</h1>
        <span class="spacer"></span>
        <a class="button" href="/credits">${t('tab:credits')}</a>
      </div>
      ${this.staff ? html`<rfam-problem-list></rfam-problem-list>` : nothing}
      ${this.staff ? this.filmSection(file) : this.filmReadOnly(file)}
      ${this.rolesSection()}
      ${this.externalsSection()}
      ${this.staff ? this.staffSection() : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-project-page': ProjectPage }
}
