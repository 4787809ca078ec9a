// A 0–5 star rating for the Shots page: radio buttons underneath (arrow keys work), stars on top, saved
// as soon as it changes.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { SaveController } from '../controllers/save-controller.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'

let groups = 0

@customElement('rfam-rating')
export class Rating extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, css`
    :host { display: inline-flex; align-items: center; gap: 8px; }
    fieldset { border: none; margin: 0; padding: 0; display: inline-flex; align-items: center; }
    legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
    label {
      display: inline-flex; align-items: center; justify-content: center; min-width: 40px; min-height: var(--rfam-touch);
      font-size: 1.5rem; line-height: 1; color: var(--rfam-border); cursor: pointer; font-weight: 400; border-radius: 6px;
    }
    label.on { color: #c77c00; }
    label.zero { font-size: 0.9rem; color: var(--rfam-muted); padding: 0 6px; }
    input:focus-visible + label { outline: 3px solid var(--rfam-focus); outline-offset: -2px; }
    label:hover { background: var(--rfam-surface-2); }
  `]

  @property() label = ''
  @property({ type: Number }) value = 0
  @property({ attribute: false }) save?: (value: number) => Promise<unknown>

  private readonly i18n = new I18nController(this)
  private readonly saving = new SaveController(this)
  private readonly group = `rating-${++groups}`

  private async _change (next: number): Promise<void> {
    await this.saving.change(this, 'value', next, this.save)
  }

  protected override updated (): void {
    for (const input of this.renderRoot.querySelectorAll('input')) input.checked = Number(input.value) === this.value
  }

  override render () {
    return html`<fieldset>
        <legend>${this.label}</legend>
        ${[0, 1, 2, 3, 4, 5].map((n) => html`
          <input type="radio" id="${this.group}-${n}" name=${this.group} value=${n} @change=${() => this._change(n)}>
          <label for="${this.group}-${n}" class=${n === 0 ? 'zero' : n <= this.value ? 'on' : ''}
            title=${t('shots:stars', { count: n })}><span aria-hidden="true">${n === 0 ? t('shots:no-stars') : '★'}</span
            ><span class="visually-hidden">${t('shots:stars', { count: n })}</span></label>`)}
      </fieldset>
      ${saveMark(this.saving.status, this.saving.message)}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-rating': Rating }
}
