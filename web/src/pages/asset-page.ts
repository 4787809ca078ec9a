// One asset: every field editable in place, its notes and history (one timeline), what RFAM knows of its
// file, the assets it needs and those that need it, render statistics (with reset), a checkpoint button
// and delete (after a confirm).
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import type { AssetUpdate, AssetView } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { LiveUpdatesController, touches } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assets } from '../state/assets.ts'
import { ownerOptions, stateOptions, typeOptions } from '../state/options.ts'
import { assetHref, navigate } from '../router.ts'
import { priorityLabel } from '../components/priority.ts'
import { face, faceStyles } from '../components/face.ts'
import { stateBadge, stateBadgeStyles } from '../components/state-badge.ts'
import { showToast } from '../components/toast.ts'
import { warningList, warningStyles } from '../components/render-facts.ts'
import type { ConfirmDialog } from '../components/confirm-dialog.ts'
import '../components/confirm-dialog.ts'
import '../components/inline-check.ts'
import '../components/inline-select.ts'
import '../components/inline-text.ts'
import '../components/priority-select.ts'
import '../components/render-stats.ts'
import '../components/asset-notes.ts'
import '../components/asset-renders.ts'
import '../components/thumbnail.ts'

const backTo: Record<string, string> = { home: '/', team: '/team', shots: '/shots', film: '/film', assets: '/assets' }

@customElement('rfam-asset-page')
export class AssetPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, stateBadgeStyles, warningStyles, css`
    .layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px; align-items: start; }
    @media (max-width: 860px) { .layout { grid-template-columns: minmax(0, 1fr); } }
    .card { margin-bottom: 20px; }
    .edits { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(260px, 100%), 1fr)); gap: 14px; margin-bottom: 14px; }
    .flags { display: flex; flex-wrap: wrap; gap: 4px 24px; }
    dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 6px 16px; margin: 0; }
    dt { color: var(--rfam-muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    .missing { color: var(--rfam-error); font-weight: 600; }
    ul.links { margin: 0 0 10px; padding-left: 1.2em; }
    ul.links li { margin-bottom: 0; overflow-wrap: anywhere; }
    .supporters { display: flex; flex-wrap: wrap; gap: 0 18px; }
    .add-dep { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
    .add-dep label { flex: 1 1 100%; }
    .add-dep select { flex: 1 1 200px; min-width: 0; }
    .danger-zone { border: 2px solid var(--rfam-error-soft); }
    .error { color: var(--rfam-error); font-weight: 600; }
    .hint { color: var(--rfam-muted); font-size: 0.9rem; margin: 4px 0 0; }
    .checkpoint { margin: 12px 0 0; }
    .picture { display: flex; gap: 14px; align-items: center; margin: 0 0 14px; }
    .picture figcaption { color: var(--rfam-muted); font-size: 0.9rem; }
    h1 { overflow-wrap: anywhere; }
  `]

  /** The asset's path inside the project. */
  @property() path = ''
  /** The page that opened this one, for the Back link. */
  @property() from = ''

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly asset = new ApiController<AssetView>(this, (signal) => assets.get(this.path, signal))
  private readonly live = new LiveUpdatesController(this, () => appState.project, (changes) => {
    const related = (path?: string) => path === undefined || path.startsWith(this.path) ||
      this.asset.value?.dependencies.includes(path) || this.asset.value?.dependents.includes(path)
    if (touches(changes, 'members', 'project') || changes.some((c) => c.kind === 'asset' && related(c.path))) void this.asset.reload()
  })

  @state() private checkpointMessage = ''
  @state() private allPaths: string[] = []
  @query('#confirm-delete') private confirmDelete!: ConfirmDialog
  @query('#confirm-reset') private confirmReset!: ConfirmDialog

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('path') && changed.get('path') !== undefined) {
      this.asset.value = undefined
      this.checkpointMessage = ''
      this.scrolledToNotes = false
      void this.asset.reload()
    }
  }

  private scrolledToNotes = false

  /** '#notes' in the address (Home's "All notes"): the notes are inside this page's shadow root. */
  override updated (): void {
    if (this.scrolledToNotes || location.hash !== '#notes') return
    const notes = this.renderRoot.querySelector('#notes')
    if (!notes) return
    this.scrolledToNotes = true
    notes.scrollIntoView({ block: 'start' })
  }

  /** Saves some fields and shows the asset as the server now has it. */
  private async saveFields (update: AssetUpdate): Promise<void> {
    this.asset.value = await assets.update(this.path, update)
    this.requestUpdate()
  }

  private saver<K extends keyof AssetUpdate> (field: K, convert: (value: never) => AssetUpdate[K] = (v) => v) {
    return (value: never) => this.saveFields({ [field]: convert(value) })
  }

  private async _toggleSupport (ident: string, on: boolean): Promise<void> {
    const current = this.asset.value?.meta?.support ?? []
    const support = on ? [...new Set([...current, ident])] : current.filter((s) => s !== ident)
    await this.saveFields({ support })
  }

  private async _addDependency (): Promise<void> {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('#add-dependency')
    const path = select?.value
    if (!path) return
    const current = this.asset.value?.meta?.dependencies ?? []
    try {
      await this.saveFields({ dependencies: [...new Set([...current, path])] })
      select.value = ''
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _removeDependency (path: string): Promise<void> {
    const current = this.asset.value?.meta?.dependencies ?? []
    try {
      await this.saveFields({ dependencies: current.filter((d) => d !== path) })
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _loadPaths (): Promise<void> {
    if (this.allPaths.length > 0) return
    try {
      const list = await api.listAssets({ project: appState.project! })
      this.allPaths = list.assets.map((a) => a.path).filter((p) => p !== this.path).sort()
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _checkpoint (): Promise<void> {
    try {
      const { checkpoint } = await assets.checkpoint(this.path)
      this.checkpointMessage = t('asset:checkpoint-done', { file: checkpoint })
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _resetStats (): Promise<void> {
    if (!await this.confirmReset.ask()) return
    try {
      this.asset.value = await assets.resetStats(this.path)
      showToast(t('asset:stats-reset-done'))
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private async _delete (): Promise<void> {
    if (!await this.confirmDelete.ask()) return
    try {
      await assets.remove(this.path)
      showToast(t('asset:deleted', { name: this.asset.value?.meta?.name ?? this.path }))
      navigate('/assets')
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private pathLink (path: string) {
    return html`<a class="tap" href=${assetHref(path)}>${path}</a>`
  }

  /** The asset's picture and what it is: the preview in its .blend, its latest rendered frame, or how to get one. */
  private picture (asset: AssetView) {
    if (!asset.file || (!asset.thumbnail && !/\.blend$/i.test(asset.path))) return nothing
    const caption = asset.thumbnail?.startsWith('r') ? t('asset:picture-render') : asset.thumbnail ? t('asset:picture-blend') : t('asset:picture-none')
    return html`<figure class="picture"><rfam-thumbnail .asset=${asset} size="128"></rfam-thumbnail><figcaption>${caption}</figcaption></figure>`
  }

  private facts (asset: AssetView) {
    const meta = asset.meta!
    const raised = asset.truePriority > meta.priority ? html` <span class="muted">(${t('asset:true-priority-raised')})</span>` : nothing
    return html`<dl>
      <dt>${t('asset:path')}</dt>
      <dd><span class="mono">${asset.path}</span>${asset.file && !asset.file.exists ? html` <span class="missing">${t('asset:file-missing')}</span>` : nothing}</dd>
      ${asset.file === null ? html`<dt>${t('asset:file')}</dt><dd>${t('asset:no-file')}</dd>` : nothing}
      ${asset.file?.size !== undefined ? html`<dt>${t('asset:size')}</dt><dd>${format.bytes(asset.file.size)}</dd>` : nothing}
      ${asset.file?.modified ? html`<dt>${t('asset:modified')}</dt><dd>${format.dateTime(asset.file.modified)}</dd>` : nothing}
      <dt>${t('asset:creator')}</dt><dd>${meta.creator ? appState.userName(meta.creator) : t('common:unknown')}</dd>
      ${meta.created ? html`<dt>${t('asset:created')}</dt><dd>${format.dateTime(meta.created)}</dd>` : nothing}
      <dt>${t('asset:true-priority')}</dt><dd>${priorityLabel(appState.defaults?.priority, asset.truePriority)}${raised}</dd>
    </dl>`
  }

  private dependencies (asset: AssetView) {
    const byHand = new Set(asset.meta?.dependencies ?? [])
    const candidates = this.allPaths.filter((p) => !asset.dependencies.includes(p))
    return html`
      <h3>${t('asset:dependencies')}</h3>
      ${asset.dependencies.length === 0
        ? html`<p class="muted">${t('asset:no-dependencies')}</p>`
        : html`<ul class="links">
        ${asset.dependencies.map((path) => html`<li>${this.pathLink(path)}
          ${byHand.has(path)
            ? html`<button type="button" class="quiet" @click=${() => this._removeDependency(path)}
            aria-label=${t('asset:remove-dependency', { path })}>✕</button>`
            : html`<span class="muted">${t('asset:linked')}</span>`}</li>`)}
      </ul>`}
      ${(asset.missingLinks ?? []).length > 0
        ? html`<p class="missing">${t('asset:missing-links')}</p>
        <ul class="links">${asset.missingLinks!.map((path) => html`<li class="mono">${path}</li>`)}</ul>`
        : nothing}
      ${warningList(asset.meta?.renderWarnings ?? [], null, t('asset:render-warnings'))}
      <div class="add-dep">
        <label for="add-dependency">${t('asset:add-dependency')}</label>
        <select id="add-dependency" @focus=${this._loadPaths} @pointerenter=${this._loadPaths}>
          <option value="">${t('asset:choose-asset')}</option>
          ${candidates.map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
        <button type="button" @click=${this._addDependency}>${t('action:add')}</button>
      </div>
      <h3>${t('asset:dependents')}</h3>
      ${asset.dependents.length === 0
        ? html`<p class="muted">${t('asset:no-dependents')}</p>`
        : html`<ul class="links">
        ${asset.dependents.map((path) => html`<li>${this.pathLink(path)}</li>`)}
      </ul>`}`
  }

  /** The frames viewer of the asset's renders (for an asset the farm renders). */
  private renders () {
    return html`<section class="card" aria-labelledby="renders-title">
      <h2 id="renders-title">${t('renders:title')}</h2><rfam-asset-renders .path=${this.path}></rfam-asset-renders></section>`
  }

  override render () {
    const back = backTo[this.from] ?? '/assets'
    const asset = this.asset.value
    const head = html`<div class="page-head">
      <a class="button" href=${back}>← ${t('action:back')}</a>
      <h1>${asset?.meta?.name ?? this.path}</h1>
      <span class="spacer"></span>
      <a class="button" href="/new">+ ${t('assets:new')}</a>
    </div>`
    if (!asset) {
      if (this.asset.error) {
        return html`${head}<p class="error" role="alert">${this.asset.error}</p>`
      }
      return html`${head}<p class="muted" aria-busy="true">${t('common:loading')}</p>`
    }
    if (!asset.meta) {
      return html`${head}<div class="card"><p class="error">${t('asset:broken')}</p><p>${asset.broken}</p></div>`
    }
    const meta = asset.meta
    const scheme = appState.defaults?.priority
    const support = new Set(meta.support ?? [])
    // Keyed by path: another asset's page gets fresh fields, never a draft typed for this one.
    return html`${head}
      ${this.asset.error ? html`<p class="error" role="alert">${this.asset.error}</p>` : nothing}
      ${keyed(this.path, html`<div class="layout">
        <div>
          <section class="card" aria-labelledby="details">
            <h2 id="details">${t('asset:details')} ${stateBadge(meta.state)}</h2>
            <rfam-inline-text label=${t('asset:name')} required .value=${meta.name} .save=${this.saver('name')}></rfam-inline-text>
            <div class="edits">
              <rfam-inline-select label=${t('asset:type')} .options=${typeOptions()} .value=${meta.type} .save=${this.saver('type')}></rfam-inline-select>
              <rfam-inline-select label=${t('asset:state')} .options=${stateOptions(meta)} .value=${meta.state} .save=${this.saver('state')}></rfam-inline-select>
              <rfam-priority-select label=${t('asset:priority')} .scheme=${scheme} .value=${meta.priority} .truePriority=${asset.truePriority}
                .save=${this.saver('priority')}></rfam-priority-select>
              <rfam-inline-select label=${t('asset:owner')} .options=${ownerOptions()} .value=${meta.owner ?? ''}
                .save=${this.saver('owner', (v: string) => (v === '' ? null : v))}></rfam-inline-select>
            </div>
            <rfam-inline-text multiline label=${t('asset:description')} .value=${meta.description ?? ''} .save=${this.saver('description')}></rfam-inline-text>
            <div class="flags">
              <rfam-inline-check label=${t('asset:render')} .checked=${meta.render ?? false} .save=${this.saver('render')}></rfam-inline-check>
              <rfam-inline-check label=${t('asset:video')} .checked=${meta.video ?? false} .save=${this.saver('video')}></rfam-inline-check>
            </div>
            <p class="hint">${t('asset:render-hint')}</p>
          </section>
          ${meta.render ? this.renders() : nothing}
          <section class="card" id="notes" aria-labelledby="notes-title">
            <h2 id="notes-title">${t('notes:title')}</h2>
            <rfam-asset-notes .path=${this.path}></rfam-asset-notes>
          </section>
          <section class="card" aria-labelledby="supporters">
            <h2 id="supporters">${t('asset:supporters')}</h2>
            <div class="supporters">
              ${appState.members.filter((m) => m.ident !== meta.owner).map((m) => html`
                <rfam-inline-check label=${m.name} .checked=${support.has(m.ident)}
                  .save=${(on: boolean) => this._toggleSupport(m.ident, on)}><span slot="before">${face(m, 32, true)}</span></rfam-inline-check>`)}
            </div>
          </section>
          <section class="card" aria-labelledby="stats">
            <h2 id="stats">${t('asset:stats')}</h2>
            <rfam-render-stats .stats=${meta.renderStats} .frameStart=${meta.frameStart} .frameEnd=${meta.frameEnd}></rfam-render-stats>
            ${meta.renderStats ? html`<button type="button" @click=${this._resetStats}>${t('asset:stats-reset')}</button>` : nothing}
          </section>
        </div>
        <div>
          <section class="card" aria-labelledby="file">
            <h2 id="file">${t('asset:file')}</h2>
            ${this.picture(asset)}
            ${this.facts(asset)}
            ${asset.file?.exists
              ? html`<p class="checkpoint"><button type="button" @click=${this._checkpoint} aria-describedby="checkpoint-hint">${t('asset:checkpoint')}</button></p>
              <p class="hint" id="checkpoint-hint">${t('asset:checkpoint-hint')}</p>
              <p role="status" class="muted">${this.checkpointMessage}</p>`
              : nothing}
          </section>
          <section class="card" aria-label=${t('asset:dependencies')}>${this.dependencies(asset)}</section>
          <section class="card danger-zone" aria-labelledby="delete">
            <h2 id="delete">${t('asset:delete')}</h2>
            <p class="muted">${t('asset:delete-hint')}</p>
            <button type="button" class="danger" @click=${this._delete}>${t('asset:delete')}</button>
          </section>
        </div>
      </div>
      <rfam-confirm-dialog id="confirm-delete" heading=${t('asset:delete-confirm-title')}
        message=${t('asset:delete-confirm', { name: meta.name })} confirm-label=${t('asset:delete')}
        cancel-label=${t('action:cancel')}></rfam-confirm-dialog>
      <rfam-confirm-dialog id="confirm-reset" heading=${t('asset:stats-reset')}
        message=${t('asset:stats-reset-confirm')} confirm-label=${t('asset:stats-reset')}
        cancel-label=${t('action:cancel')}></rfam-confirm-dialog>`)}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-asset-page': AssetPage }
}
