// A page address the app does not know.
import { LitElement, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'

@customElement('rfam-not-found-page')
export class NotFoundPage extends LitElement {
  static override styles = [sharedStyles, pageStyles]
  private readonly i18n = new I18nController(this)

  override render () {
    return html`<div class="card"><h1>${t('notfound:title')}</h1><p>${t('notfound:text')}</p>
      <a class="button primary" href="/">${t('tab:home')}</a></div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-not-found-page': NotFoundPage }
}
