// A table of assets (the Assets page, and the rest of someone's to-do list): a header that sorts when
// `sortable`, then one row per asset with owner, state and priority changed in place. Every row lives in
// this one shadow root, and a select gets its full list of options (from cached fragments) only when
// someone reaches for it, so a thousand rows render quickly.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { AssetSummary, AssetView } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { SaveMarks } from '../controllers/save-controller.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assets } from '../state/assets.ts'
import { assetGridStyles } from './asset-grid.ts'
import { assetRow, assetRowStyles, type RowField } from './asset-row.ts'
import { saveMarkStyles } from './save-mark.ts'
import { faceStyles } from './face.ts'
import { thumbnailStyles } from './thumbnail.ts'
import { priorityEntries } from './priority.ts'
import { fillSelect, type OptionEntry } from './select-options.ts'

export type SortColumn = 'name' | 'type' | 'owner' | 'state' | 'priority' | RenderSort
/** The render-time column sorts by a frame's time or by the whole render's. */
export type RenderSort = 'renderMean' | 'renderEstimate'

/** Rows rendered at once (more than a tall screen holds), then rows added per frame. */
const firstRows = 40
const rowsPerFrame = 200
const columns: SortColumn[] = ['name', 'type', 'owner', 'state', 'priority']

@customElement('rfam-asset-table')
export class AssetTable extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, faceStyles, thumbnailStyles, assetGridStyles, assetRowStyles, css`
    :host { display: block; }
    .head { padding: 8px 12px; background: var(--rfam-surface-2); border-bottom: 1px solid var(--rfam-border); }
    .head button, .head span.label {
      min-height: var(--rfam-touch); padding: 0 6px; border: none; background: none; color: var(--rfam-text);
      justify-content: flex-start; width: 100%; font-weight: 700; display: flex; align-items: center; gap: 4px;
    }
    .head button:hover { background: var(--rfam-accent-soft); }
    .arrow { color: var(--rfam-accent); }
    .head .render-head { display: flex; flex-direction: column; }
    .head .render-head button.per-frame { font-weight: 600; color: var(--rfam-accent); min-height: 40px; }
    @media (max-width: 1100px) { .head { display: none; } }
  `]

  /** The assets, in the order shown. */
  @property({ attribute: false }) assets: AssetSummary[] = []
  /** Page the asset pages lead back to. */
  @property() from = 'assets'
  @property({ type: Boolean, attribute: 'show-priority' }) showPriority = true
  /** A column with each asset's render time (sorts by a frame's or the whole render's time). */
  @property({ type: Boolean, attribute: 'show-render-time' }) showRenderTime = false
  /** Header buttons sort (the table fires `sort-change` with the column; the page sorts). */
  @property({ type: Boolean }) sortable = false
  @property() sort?: SortColumn
  @property({ type: Boolean }) descending = false
  @property() label = ''

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly marks = new SaveMarks(this)
  /** Values chosen and still being saved, by 'path|field': shown instead of the stored ones meanwhile. */
  private readonly pending = new Map<string, string>()
  /** Assets as saved by this table, newer than the list the page has until it reloads. */
  private readonly saved = new Map<string, AssetSummary>()

  /**
   * How many rows are rendered. A long list renders a screenful first and the rest in chunks over the
   * next frames, so the page is usable at once instead of after the last of a thousand rows.
   */
  @state() private shown = 0
  private growing = false

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('assets')) {
      this.saved.clear()
      this.shown = Math.max(this.shown, Math.min(this.assets.length, firstRows))
      if (this.shown < this.assets.length && !this.growing) this.grow()
    }
  }

  private grow (): void {
    this.growing = true
    requestAnimationFrame(() => {
      this.shown = Math.min(this.assets.length, this.shown + rowsPerFrame)
      this.growing = false
      if (this.shown < this.assets.length) this.grow()
    })
  }

  private current (asset: AssetSummary): AssetSummary {
    return this.saved.get(asset.path) ?? asset
  }

  /** One listener for every row's selects and number fields (a thousand rows, one handler). */
  private readonly _change = (event: Event): void => {
    const control = event.composedPath()[0]
    if (!(control instanceof HTMLSelectElement || control instanceof HTMLInputElement)) return
    const asset = this.rowAsset(control)
    if (asset?.meta) void this.save(asset, control.name as RowField, control.value)
  }

  private async save (asset: AssetSummary, field: RowField, raw: string): Promise<void> {
    if (field === 'priority' && (raw === '' || !Number.isFinite(Number(raw)))) return
    const value = field === 'owner' ? (raw === '' ? null : raw) : field === 'priority' ? Number(raw) : raw
    const key = `${asset.path}|${field}`
    this.pending.set(key, raw)
    let stored: AssetView | undefined
    await this.marks.run(key, async () => { stored = await assets.update(asset.path, { [field]: value }) })
    if (this.pending.get(key) === raw) this.pending.delete(key)
    // Shows what is stored now: the new value, or the old one back after a refusal.
    if (stored) this.saved.set(asset.path, stored)
    this.requestUpdate()
  }

  private choices (asset: AssetSummary): Record<RowField, OptionEntry[]> {
    const meta = asset.meta!
    const type = appState.type(meta.type)
    const states: string[] = type?.states.includes(meta.state) ? type.states : [...(type?.states ?? []), meta.state]
    const members = appState.members
    const owners: OptionEntry[] = [{ value: '', label: t('user:nobody') }]
    if (meta.owner != null && !members.some((m) => m.ident === meta.owner)) owners.push({ value: meta.owner, label: meta.owner })
    for (const m of members) owners.push({ value: m.ident, label: m.name })
    const scheme = appState.defaults?.priority
    return {
      owner: owners,
      state: states.map((s) => ({ value: s, label: appState.stateName(s) })),
      priority: scheme ? priorityEntries(scheme, meta.priority) : [],
    }
  }

  /** Selects that have their full list of options; kept up to date after each render. */
  private readonly expanded = new Set<HTMLSelectElement>()

  private rowAsset (control: Element): AssetSummary | undefined {
    const path = control.closest<HTMLElement>('.asset-row')?.dataset.path
    const asset = this.assets.find((a) => a.path === path)
    return asset ? this.current(asset) : undefined
  }

  private value (asset: AssetSummary, field: RowField): string {
    const meta = asset.meta!
    const stored: Record<RowField, string> = { owner: meta.owner ?? '', state: meta.state, priority: String(meta.priority) }
    return this.pending.get(`${asset.path}|${field}`) ?? stored[field]
  }

  /** Gives a select every option, right before it opens (runs inside the focus / pointer / key event). */
  private readonly expand = (event: Event): void => {
    const select = event.composedPath()[0]
    if (!(select instanceof HTMLSelectElement) || this.expanded.has(select)) return
    const asset = this.rowAsset(select)
    if (!asset?.meta) return
    const field = select.name as RowField
    fillSelect(select, this.choices(asset)[field], this.value(asset, field))
    this.expanded.add(select)
  }

  override connectedCallback (): void {
    super.connectedCallback()
    for (const type of ['focusin', 'pointerdown', 'mousedown', 'touchstart', 'keydown']) {
      this.renderRoot.addEventListener(type, this.expand, { capture: true, passive: true })
    }
  }

  // After a render, opened selects get fresh options and values (a select's value is set directly: an
  // <option>'s selected attribute stops counting once someone has picked), and number fields their value.
  protected override updated (): void {
    for (const select of [...this.expanded]) {
      const asset = select.isConnected ? this.rowAsset(select) : undefined
      if (!asset?.meta) {
        this.expanded.delete(select)
        continue
      }
      const field = select.name as RowField
      fillSelect(select, this.choices(asset)[field], this.value(asset, field))
    }
    for (const input of this.renderRoot.querySelectorAll<HTMLInputElement>('.asset-row input[name="priority"]')) {
      const asset = this.rowAsset(input)
      if (!asset?.meta || this.shadowRoot?.activeElement === input) continue
      const value = this.value(asset, 'priority')
      if (input.value !== value) input.value = value
    }
  }

  /** A header's sort button; `name`, when given, is the button's whole accessible name (a terse label's). */
  private sortButton (column: SortColumn, text: string, name?: string, kind = '') {
    const active = this.sort === column
    const said = active ? (this.descending ? t('assets:sorted-desc') : t('assets:sorted-asc')) : t('assets:sort')
    return html`<button type="button" class=${kind} data-column=${column} aria-label=${name ? `${name}, ${said}` : nothing}
      @click=${() => this.dispatchEvent(new CustomEvent<SortColumn>('sort-change', { detail: column, bubbles: true, composed: true }))}>
      ${text} <span class="arrow" aria-hidden="true">${active ? (this.descending ? '▼' : '▲') : ''}</span>
      <span class="visually-hidden">${said}</span>
    </button>`
  }

  private sortState (columns: SortColumn[]): 'ascending' | 'descending' | 'none' {
    return this.sort && columns.includes(this.sort) ? (this.descending ? 'descending' : 'ascending') : 'none'
  }

  private header () {
    const labels: Record<SortColumn, string> = {
      name: t('asset:name'),
      type: t('asset:type'),
      owner: t('asset:owner'),
      state: t('asset:state'),
      priority: t('asset:priority'),
      renderMean: t('rtime:per-frame'),
      renderEstimate: t('rtime:whole'),
    }
    // Two sorts under one heading, one above the other: the whole render's (the heading) and a frame's.
    const render = this.showRenderTime
      ? this.sortable
        ? html`<div role="columnheader" class="render-time render-head" aria-sort=${this.sortState(['renderEstimate', 'renderMean'])}>
          ${this.sortButton('renderEstimate', t('rtime:column'), t('rtime:sort-estimate'))}
          ${this.sortButton('renderMean', labels.renderMean, t('rtime:sort-mean'), 'per-frame')}
        </div>`
        : html`<div role="columnheader" class="render-time"><span class="label">${t('rtime:column')}</span></div>`
      : nothing
    return html`<div class="head asset-grid" role="row">
      ${columns.filter((c) => c !== 'priority' || this.showPriority).map((column) => {
        if (!this.sortable) return html`<div role="columnheader"><span class="label">${labels[column]}</span></div>`
        return html`<div role="columnheader" aria-sort=${this.sortState([column])}>
          ${this.sortButton(column, labels[column])}
        </div>`
      })}${render}
    </div>`
  }

  override render () {
    const ctx = {
      from: this.from,
      showPriority: this.showPriority,
      showRenderTime: this.showRenderTime,
      mark: (path: string, field: RowField) => this.marks.get(`${path}|${field}`),
      pending: (path: string, field: RowField) => this.pending.get(`${path}|${field}`),
    }
    return html`<div role="table" aria-label=${this.label} aria-rowcount=${this.assets.length + 1} @change=${this._change}
        style=${`${this.showPriority ? '' : '--priority-column: 0px;'}${this.showRenderTime ? '--render-column: minmax(7.5rem, 0.8fr);' : ''}`}>
      ${this.header()}
      ${repeat(this.shown < this.assets.length ? this.assets.slice(0, this.shown) : this.assets, (a) => a.path, (a) => assetRow(this.current(a), ctx))}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-asset-table': AssetTable }
}
