// One toggle button per asset type: click shows or hides that type, double-click shows only that type
// (again shows all), and "All" brings every type back.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { AssetType } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { appState } from '../state/app-state.ts'

@customElement('rfam-type-toggles')
export class TypeToggles extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .bar { display: flex; flex-wrap: wrap; gap: 8px; }
    button[aria-pressed='true'] { background: var(--rfam-accent); color: var(--rfam-on-accent); }
    button[aria-pressed='false'] { border-color: var(--rfam-border); color: var(--rfam-muted); text-decoration: line-through; }
    .count { font-weight: 400; opacity: 0.85; }
  `]

  @property({ attribute: false }) types: AssetType[] = []
  /** Idents of the types shown. */
  @property({ attribute: false }) shown = new Set<string>()
  @property({ attribute: false }) counts = new Map<string, number>()

  private readonly i18n = new I18nController(this)

  private emit (shown: Set<string>): void {
    this.shown = shown
    this.dispatchEvent(new CustomEvent<Set<string>>('types-change', { detail: shown, bubbles: true, composed: true }))
  }

  private _toggle (ident: string): void {
    const shown = new Set(this.shown)
    if (shown.has(ident)) shown.delete(ident)
    else shown.add(ident)
    this.emit(shown)
  }

  // A double-click also fires two clicks (a toggle and its undo), so only the solo is left to do.
  private _solo (ident: string): void {
    const alone = this.shown.size === 1 && this.shown.has(ident)
    this.emit(alone ? new Set(this.types.map((type) => type.ident)) : new Set([ident]))
  }

  override render () {
    return html`<div class="bar" role="group" aria-label=${t('assets:types')} title=${t('assets:types-hint')}>
      ${this.types.map((type) => html`<button type="button" aria-pressed=${this.shown.has(type.ident) ? 'true' : 'false'}
          @click=${() => this._toggle(type.ident)} @dblclick=${() => this._solo(type.ident)}>
          ${appState.typeName(type.ident)} <span class="count">${this.counts.get(type.ident) ?? 0}</span>
        </button>`)}
      <button type="button" class="quiet" @click=${() => this.emit(new Set(this.types.map((type) => type.ident)))}>${t('assets:all-types')}</button>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-type-toggles': TypeToggles }
}
