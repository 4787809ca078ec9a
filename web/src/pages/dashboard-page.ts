// The teacher's dashboard (staff only; the server refuses anyone else with a sentence, shown here):
// assets per state day by day, render hours per person and per shot, the farm's busy node-hours per
// day, and the assets blocked waiting on others, from GET /api/projects/:project/dashboard.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { Dashboard } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { stateBadge, stateBadgeStyles } from '../components/state-badge.ts'
import { hours } from '../components/charts/durations.ts'
import '../components/charts/bar-chart.ts'

const DAY_CHOICES = [7, 14, 30]

/** "Mon 1" in the reader's language, from YYYY-MM-DD. */
function dayLabel (day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Intl.DateTimeFormat(i18n.code, { weekday: 'short', day: 'numeric' }).format(new Date(y!, m! - 1, d!))
}

@customElement('rfam-dashboard-page')
export class DashboardPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, stateBadgeStyles, css`
    .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); gap: 16px; }
    .wide { grid-column: 1 / -1; }
    section.card h2 { margin-top: 0; }
    .days { display: flex; align-items: center; gap: 8px; }
    .blocked { list-style: none; margin: 0; padding: 0; }
    .blocked li { padding: 8px 0; border-bottom: 1px solid var(--rfam-surface-2); }
    .blocked a { font-weight: 600; }
    .blocked .waits { display: block; color: var(--rfam-muted); margin-top: 2px; }
    .error { color: var(--rfam-error); font-weight: 600; }
    .warn { color: var(--rfam-warn); background: var(--rfam-warn-soft); padding: 8px 12px; border-radius: var(--rfam-radius-small); }
    @media print { .days { display: none; } section.card { break-inside: avoid; } }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  @state() private days = 7
  private readonly data = new ApiController<Dashboard>(this, (signal) =>
    api.getDashboard({ project: appState.project! }, { days: String(this.days) }, { signal }))

  private readonly live = reloadOnChange(this, this.data, 'asset', 'history', 'members')

  private _days (event: Event): void {
    this.days = Number((event.target as HTMLSelectElement).value)
    void this.data.reload()
  }

  private blocked (d: Dashboard) {
    if (d.blocked.length === 0) return html`<p class="muted">${t('dash:blocked-none')}</p>`
    return html`<ul class="blocked">${d.blocked.map((b) => html`<li data-path=${b.path}>
      <a href=${assetHref(b.path, 'dashboard')}>${b.name}</a> ${stateBadge(b.state)} · ${appState.userName(b.owner)}
      ${b.waitsFor.map((w) => html`<span class="waits">${t('dash:waits-for', {
        what: w.name
          ? `${w.name} (${appState.userName(w.owner)}, ${appState.stateName(w.state ?? '')})`
          : `${w.path} (${t('dash:missing')})`,
      })}</span>`)}
    </li>`)}</ul>`
  }

  private charts (d: Dashboard) {
    const days = d.days.map(dayLabel)
    const rendered = d.renderHours.people.length > 0
    return html`<div class="grid">
      <section class="card wide states" aria-labelledby="states-heading">
        <h2 id="states-heading">${t('dash:states')}</h2>
        <rfam-bar-chart stacked .caption=${t('dash:states')} .categories=${days} category-label=${t('dash:day')} value-label=${t('dash:assets')}
          .series=${d.states.map((s) => ({ label: appState.stateName(s.state), values: s.counts }))} .format=${(v: number) => String(Math.round(v))}></rfam-bar-chart>
      </section>
      <section class="card people" aria-labelledby="people-heading">
        <h2 id="people-heading">${t('dash:hours-people')}</h2>
        ${rendered
          ? html`<rfam-bar-chart horizontal .caption=${t('dash:hours-people')} category-label=${t('dash:person')} value-label=${t('dash:hours')}
            .categories=${d.renderHours.people.map((p) => appState.userName(p.person))} .series=${[{ label: t('dash:hours'), values: d.renderHours.people.map((p) => p.hours) }]} .format=${hours}></rfam-bar-chart>`
          : html`<p class="muted">${t('dash:no-renders')}</p>`}
      </section>
      <section class="card shots" aria-labelledby="shots-heading">
        <h2 id="shots-heading">${t('dash:hours-shots')}</h2>
        ${rendered
          ? html`<rfam-bar-chart horizontal .caption=${t('dash:hours-shots')} category-label=${t('dash:shot')} value-label=${t('dash:hours')}
            .categories=${d.renderHours.shots.map((s) => s.name ?? s.path)} .series=${[{ label: t('dash:hours'), values: d.renderHours.shots.map((s) => s.hours) }]} .format=${hours}></rfam-bar-chart>`
          : html`<p class="muted">${t('dash:no-renders')}</p>`}
      </section>
      <section class="card farm" aria-labelledby="farm-heading">
        <h2 id="farm-heading">${t('dash:farm')}</h2>
        <rfam-bar-chart .caption=${t('dash:farm')} .categories=${days} category-label=${t('dash:day')} value-label=${t('dash:hours')}
          .series=${[{ label: t('dash:hours'), values: d.farm.busyHours }]} .format=${hours}></rfam-bar-chart>
        <p class="muted">${t('dash:farm-nodes', { count: d.farm.nodes })}</p>
      </section>
      <section class="card blocked-card" aria-labelledby="blocked-heading">
        <h2 id="blocked-heading">${t('dash:blocked')}</h2>
        ${this.blocked(d)}
      </section>
    </div>`
  }

  override render () {
    const d = this.data.value
    if (this.data.error && !d) return html`<div class="page-head"><h1>${t('dash:title')}</h1></div><p class="error" role="alert">${this.data.error}</p>`
    return html`
      <div class="page-head">
        <h1>${t('dash:title')}</h1>
        <span class="spacer"></span>
        <label class="days">${t('dash:days')}
          <select @change=${this._days}>${DAY_CHOICES.map((n) => html`<option value=${n} ?selected=${n === this.days}>${n}</option>`)}</select>
        </label>
      </div>
      <p class="muted">${t('dash:intro')}</p>
      ${d && d.unreadable > 0 ? html`<p class="warn" role="note">${t('dash:unreadable', { count: d.unreadable })}</p>` : nothing}
      ${d ? this.charts(d) : html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-dashboard-page': DashboardPage }
}
