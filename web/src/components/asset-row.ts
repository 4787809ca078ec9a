// One asset in a table: its name (a link to its page), type, and owner, state and priority that can be
// changed in place, each with its own saved / saving / failed mark. Plain <select>s inside one shadow
// root keep a thousand rows quick to render.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { AssetView } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { SaveMarks } from '../controllers/save-controller.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assets } from '../state/assets.ts'
import { assetHref } from '../router.ts'
import { assetGridStyles } from './asset-grid.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'
import { face, faceStyles } from './face.ts'
import { stateBadgeStyles } from './state-badge.ts'
import { priorityLabel, priorityOptions } from './priority.ts'

@customElement('rfam-asset-row')
export class AssetRow extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, faceStyles, stateBadgeStyles, assetGridStyles, css`
    :host {
      display: block; border-bottom: 1px solid var(--rfam-surface-2); padding: 8px 12px;
      content-visibility: auto; contain-intrinsic-size: auto 62px;
    }
    :host(:hover) { background: #fafaff; }
    .name a { font-weight: 600; overflow-wrap: anywhere; }
    .name .path { display: block; font-size: 0.8rem; color: var(--rfam-muted); overflow-wrap: anywhere; }
    .cell { display: flex; align-items: center; gap: 6px; min-width: 0; }
    select { flex: 1; min-width: 0; }
    .type { color: var(--rfam-muted); }
    .boost { font-size: 0.8rem; color: var(--rfam-accent); font-weight: 600; white-space: nowrap; }
    .small-type { display: none; }
    @media (max-width: 720px) { :host { padding: 12px; contain-intrinsic-size: auto 170px; } .small-type { display: inline; } }
  `]

  @property({ attribute: false }) asset!: AssetView
  /** Page the asset's page should lead back to. */
  @property() from = 'assets'
  @property({ type: Boolean, attribute: 'show-priority' }) showPriority = true

  private readonly marks = new SaveMarks(this)
  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)

  private async _save (field: 'owner' | 'state' | 'priority', event: Event): Promise<void> {
    const raw = (event.target as HTMLSelectElement | HTMLInputElement).value
    if (field === 'priority' && (raw === '' || !Number.isFinite(Number(raw)))) return
    const value = field === 'owner' ? (raw === '' ? null : raw) : field === 'priority' ? Number(raw) : raw
    const ok = await this.marks.run(field, () => assets.update(this.asset.path, { [field]: value }))
    if (!ok) this.requestUpdate() // puts the select back to the stored value
  }

  protected override updated (): void {
    const meta = this.asset.meta
    if (!meta) return
    const values: Record<string, string> = { owner: meta.owner ?? '', state: meta.state, priority: String(meta.priority) }
    for (const control of this.renderRoot.querySelectorAll<HTMLSelectElement | HTMLInputElement>('select, input')) {
      const value = values[control.name]
      const typing = control instanceof HTMLInputElement && this.shadowRoot?.activeElement === control
      if (value !== undefined && !typing && control.value !== value) control.value = value
    }
  }

  private mark (field: string) {
    const { status, message } = this.marks.get(field)
    return saveMark(status, message)
  }

  override render () {
    const asset = this.asset
    const meta = asset.meta
    if (!meta) return nothing
    const name = meta.name
    const type = appState.type(meta.type)
    const states = type?.states.includes(meta.state) ? type.states : [...(type?.states ?? []), meta.state]
    const members = appState.members
    const scheme = appState.defaults?.priority
    const ownerKnown = meta.owner == null || members.some((m) => m.ident === meta.owner)
    return html`<div class="asset-grid" role="row">
      <div class="name" role="cell">
        <a href=${assetHref(asset.path, this.from)}>${name}</a>
        <span class="path">${asset.path}<span class="small-type"> · ${appState.typeName(meta.type)}</span></span>
      </div>
      <div class="cell type" role="cell">${appState.typeName(meta.type)}</div>
      <div class="cell owner" role="cell">
        ${face(appState.user(meta.owner), 32, true)}
        <select name="owner" aria-label=${t('asset:owner-of', { name })} @change=${(e: Event) => this._save('owner', e)}>
          <option value="" ?selected=${meta.owner == null}>${t('user:nobody')}</option>
          ${ownerKnown ? nothing : html`<option value=${meta.owner!} selected>${meta.owner}</option>`}
          ${members.map((m) => html`<option value=${m.ident} ?selected=${m.ident === meta.owner}>${m.name}</option>`)}
        </select>
        ${this.mark('owner')}
      </div>
      <div class="cell" role="cell">
        <select name="state" aria-label=${t('asset:state-of', { name })} @change=${(e: Event) => this._save('state', e)}>
          ${states.map((s) => html`<option value=${s} ?selected=${s === meta.state}>${appState.stateName(s)}</option>`)}
        </select>
        ${this.mark('state')}
      </div>
      ${this.showPriority && scheme ? html`<div class="cell" role="cell">
        ${(scheme.names ?? []).length > 0
          ? html`<select name="priority" aria-label=${t('asset:priority-of', { name })} @change=${(e: Event) => this._save('priority', e)}>
              ${priorityOptions(scheme, meta.priority)}
            </select>`
          : html`<input name="priority" type="number" min=${scheme.low} max=${scheme.high} step="any"
              aria-label=${t('asset:priority-of', { name })} @change=${(e: Event) => this._save('priority', e)}>`}
        ${this.mark('priority')}
        ${asset.truePriority > meta.priority
          ? html`<span class="boost" title=${t('priority:boosted', { value: priorityLabel(scheme, asset.truePriority) })}>↑</span>`
          : nothing}
      </div>` : nothing}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-asset-row': AssetRow }
}
