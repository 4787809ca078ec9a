// Rendering: a place holder until the render farm's API exists. It shows no jobs or nodes (none are
// faked), only where to go meanwhile.
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'

@customElement('rfam-rendering-page')
export class RenderingPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    nav ul { list-style: none; padding: 0; margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 10px; }
  `]

  private readonly i18n = new I18nController(this)

  override render () {
    return html`
      <div class="page-head"><h1>${t('tab:rendering')}</h1></div>
      <section class="card">
        <p>${t('rendering:soon')}</p>
        <nav aria-label=${t('rendering:links')}>
          <ul>
            <li><a class="button" href="/shots">${t('tab:shots')}</a></li>
            <li><a class="button" href="/assets">${t('tab:assets')}</a></li>
          </ul>
        </nav>
      </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-rendering-page': RenderingPage }
}
