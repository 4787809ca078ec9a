// Assets: every asset of the project in a table. Type toggles (double-click shows one type only), sort by
// any column (render time too: a frame's or the whole file's), filter by name, owner / state / priority
// changed in place; 'Slowest files' lists the slowest renders with why. Broken assets are listed first
// with the reason, so someone can fix their file. Sort, filter, hidden types and the view live in the URL.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { AssetList, AssetSummary } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { stateBadgeStyles } from '../components/state-badge.ts'
import type { SortColumn } from '../components/asset-table.ts'
import '../components/asset-table.ts'
import '../components/type-toggles.ts'
import '../components/slowest-files.ts'

type Column = SortColumn
const columns: Column[] = ['name', 'type', 'owner', 'state', 'priority', 'renderMean', 'renderEstimate']
/** Columns sorted highest first when first chosen. */
const highFirst = new Set<Column>(['priority', 'renderMean', 'renderEstimate'])

@customElement('rfam-assets-page')
export class AssetsPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, stateBadgeStyles, css`
    .tools { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin: 14px 0; }
    .tools .field { margin: 0; flex: 1 1 220px; max-width: 360px; }
    .tools input { width: 100%; }
    .total { font-weight: 600; }
    .table { padding: 0; overflow: hidden; }
    .broken { border-left: 6px solid var(--rfam-error); margin-bottom: 18px; }
    .broken h2 { color: var(--rfam-error); }
    .broken ul { margin: 0; padding-left: 1.2em; }
    .broken li { margin-bottom: 6px; overflow-wrap: anywhere; }
    .empty { padding: 24px; text-align: center; }
    .error { color: var(--rfam-error); font-weight: 600; }
    .slowest { margin-bottom: 18px; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly list = new ApiController<AssetList>(this, (signal) =>
    api.listAssets({ project: appState.project! }, { signal }))

  private readonly live = reloadOnChange(this, this.list, 'asset', 'project')

  @state() private sort: Column = 'priority'
  @state() private descending = true
  @state() private filter = ''
  /** Types hidden by the toggles (so types added later show up). */
  @state() private hiddenTypes = new Set<string>()
  /** The 'Slowest files' list shown above the table. */
  @state() private slowest = false

  override connectedCallback (): void {
    super.connectedCallback()
    const query = new URLSearchParams(location.search)
    const sort = query.get('sort') as Column | null
    if (sort && columns.includes(sort)) this.sort = sort
    if (query.has('dir')) this.descending = query.get('dir') !== 'asc'
    this.filter = query.get('q') ?? ''
    this.hiddenTypes = new Set((query.get('hide') ?? '').split(',').filter(Boolean))
    this.slowest = query.get('view') === 'slowest'
  }

  private remember (): void {
    const query = new URLSearchParams()
    if (this.sort !== 'priority' || !this.descending) {
      query.set('sort', this.sort)
      query.set('dir', this.descending ? 'desc' : 'asc')
    }
    if (this.filter) query.set('q', this.filter)
    if (this.hiddenTypes.size) query.set('hide', [...this.hiddenTypes].join(','))
    if (this.slowest) query.set('view', 'slowest')
    const search = query.toString()
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`)
  }

  private _sortBy (event: CustomEvent<Column>): void {
    const column = event.detail
    if (this.sort === column) this.descending = !this.descending
    else {
      this.sort = column
      this.descending = highFirst.has(column)
    }
    this.remember()
  }

  /** Shows or hides the slowest files; showing them sorts the table by the whole render time too. */
  private _slowest (): void {
    this.slowest = !this.slowest
    if (this.slowest) {
      this.sort = 'renderEstimate'
      this.descending = true
    }
    this.remember()
  }

  private _filter (event: Event): void {
    this.filter = (event.target as HTMLInputElement).value
    this.remember()
  }

  private _types (event: CustomEvent<Set<string>>): void {
    const all = (appState.defaults?.types ?? []).map((type) => type.ident)
    this.hiddenTypes = new Set(all.filter((ident) => !event.detail.has(ident)))
    this.remember()
  }

  private sorted (list: AssetSummary[]): AssetSummary[] {
    const collator = new Intl.Collator(i18n.code, { numeric: true, sensitivity: 'base' })
    const needle = this.filter.trim().toLocaleLowerCase()
    const key = (a: AssetSummary): string | number | undefined => {
      const meta = a.meta!
      switch (this.sort) {
        case 'name': return meta.name
        case 'type': return appState.typeName(meta.type)
        case 'owner': return meta.owner ? appState.userName(meta.owner) : '\uffff'
        case 'state': return appState.stateName(meta.state)
        case 'priority': return a.truePriority
        case 'renderMean': return a.renderTime?.meanSeconds
        case 'renderEstimate': return a.renderTime?.estimateSeconds
      }
    }
    const rows = list.filter((a) => a.meta && !this.hiddenTypes.has(a.meta.type) &&
      (needle === '' || a.meta.name.toLocaleLowerCase().includes(needle)))
    const keyed = rows.map((a) => ({ a, k: key(a), name: a.meta!.name }))
    const direction = this.descending ? -1 : 1
    keyed.sort((x, y) => {
      // Never rendered: last, whichever way the render time sorts.
      if (x.k === undefined || y.k === undefined) {
        if (x.k !== y.k) return x.k === undefined ? 1 : -1
        return collator.compare(x.name, y.name)
      }
      const primary = typeof x.k === 'number' && typeof y.k === 'number' ? x.k - y.k : collator.compare(String(x.k), String(y.k))
      return primary !== 0 ? primary * direction : collator.compare(x.name, y.name)
    })
    return keyed.map((entry) => entry.a)
  }

  override render () {
    const list = this.list.value
    if (this.list.error && !list) return html`<p class="error" role="alert">${this.list.error}</p>`
    const all = list?.assets ?? []
    const broken = all.filter((a) => !a.meta)
    const healthy = all.filter((a) => a.meta)
    const rows = this.sorted(healthy)
    const types = appState.defaults?.types ?? []
    const shown = new Set(types.map((type) => type.ident).filter((ident) => !this.hiddenTypes.has(ident)))
    const counts = new Map<string, number>()
    for (const a of healthy) counts.set(a.meta!.type, (counts.get(a.meta!.type) ?? 0) + 1)
    const showPriority = appState.defaults?.priority.visible !== false
    return html`
      <div class="page-head">
        <h1>${t('assets:title')}</h1>
        <span class="spacer"></span>
        <a class="button primary" href="/new">+ ${t('assets:new')}</a>
      </div>
      ${broken.length > 0
        ? html`<section class="card broken" aria-labelledby="broken-heading">
        <h2 id="broken-heading">${t('assets:broken', { count: broken.length })}</h2>
        <ul>${broken.map((a) => html`<li><span class="mono">${a.path}</span>: ${a.broken}</li>`)}</ul>
      </section>`
        : nothing}
      <rfam-type-toggles .types=${types} .shown=${shown} .counts=${counts} @types-change=${this._types}></rfam-type-toggles>
      <div class="tools">
        <div class="field">
          <label for="filter">${t('assets:filter')}</label>
          <input id="filter" type="search" .value=${this.filter} @input=${this._filter} autocomplete="off">
        </div>
        <button type="button" aria-pressed=${this.slowest ? 'true' : 'false'} @click=${this._slowest}>
          ${t('rtime:slowest')}</button>
        <span class="spacer"></span>
        <span class="total" role="status">${list
          ? (rows.length === healthy.length
              ? t('assets:total', { count: healthy.length })
              : t('assets:showing', { shown: rows.length, count: healthy.length }))
          : t('common:loading')}</span>
      </div>
      ${this.slowest
        ? html`<section class="card slowest" aria-labelledby="slowest-heading">
        <h2 id="slowest-heading">${t('rtime:slowest')}</h2>
        <p class="muted">${t('rtime:slowest-help')}</p>
        <rfam-slowest-files .assets=${healthy}></rfam-slowest-files>
      </section>`
        : nothing}
      <div class="card table">
        <rfam-asset-table .assets=${rows} .showPriority=${showPriority} show-render-time sortable .sort=${this.sort} .descending=${this.descending}
          label=${t('assets:title')} @sort-change=${this._sortBy}></rfam-asset-table>
        ${list && rows.length === 0 ? html`<p class="empty muted">${healthy.length === 0 ? t('assets:none') : t('assets:none-match')}</p>` : nothing}
      </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-assets-page': AssetsPage }
}
