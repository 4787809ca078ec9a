// Team: everyone in the project with their picture, name, current top task and who supports them; then
// what happened in the project today (notes, changes, renders, checkpoints).
import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import type { Team } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { face, faceStyles } from '../components/face.ts'
import { stateBadge, stateBadgeStyles } from '../components/state-badge.ts'
import '../components/today-feed.ts'
import '../components/thumbnail.ts'

@customElement('rfam-team-page')
export class TeamPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, stateBadgeStyles, css`
    ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
    li.card { display: flex; gap: 16px; align-items: flex-start; }
    h2 { margin-bottom: 6px; overflow-wrap: anywhere; }
    h2 a { color: inherit; text-decoration: none; }
    h2 a:hover { text-decoration: underline; }
    .task { display: flex; gap: 10px; align-items: center; }
    .task a { font-weight: 700; overflow-wrap: anywhere; }
    .label { color: var(--rfam-muted); font-size: 0.9rem; margin: 8px 0 2px; }
    .staff { font-size: 0.8rem; font-weight: 700; color: var(--rfam-accent); margin-left: 6px; }
    .error { color: var(--rfam-error); font-weight: 600; }
    section.today { margin-top: 28px; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly team = new ApiController<Team>(this, (signal) => api.getTeam({ project: appState.project! }, { signal }))
  private readonly live = reloadOnChange(this, this.team, 'asset', 'members', 'project')

  override render () {
    const team = this.team.value
    if (this.team.error && !team) return html`<p class="error" role="alert">${this.team.error}</p>`
    return html`
      <div class="page-head"><h1>${t('team:title')}</h1></div>
      ${team ? nothing : html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`}
      <ul>
        ${(team?.members ?? []).map(({ user, task }) => {
          const supporters = task?.meta?.support ?? []
          return html`<li class="card">
            ${face(appState.user(user.ident) ?? user, 96, true)}
            <div>
              <h2><a class="tap" href="/profile/${encodeURIComponent(user.ident)}">${user.name}</a>${user.staff ? html`<span class="staff">${t('login:staff')}</span>` : nothing}</h2>
              <div class="label">${t('team:task')}</div>
              <div class="task">${task?.meta
                ? html`<rfam-thumbnail .asset=${task} size="64"></rfam-thumbnail><span><a class="tap" href=${assetHref(task.path, 'team')}>${task.meta.name}</a> ${stateBadge(task.meta.state)}</span>`
                : html`<span class="muted">${t('team:no-task')}</span>`}</div>
              ${task
                ? html`<div class="label">${t('team:supported-by')}</div>
                ${supporters.length === 0
                  ? html`<span class="muted">${t('team:nobody')}</span>`
                  : html`<div class="faces">${supporters.map((ident) => html`${face(appState.user(ident), 28)} <span>${appState.userName(ident)}</span>`)}</div>`}`
                : nothing}
            </div>
          </li>`
        })}
      </ul>
      <section class="card today" aria-labelledby="today">
        <h2 id="today">${t('today:title')}</h2>
        <rfam-today-feed from="team"></rfam-today-feed>
      </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-team-page': TeamPage }
}
