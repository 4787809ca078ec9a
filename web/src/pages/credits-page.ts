// Credits: the roll made from the roles, the members, the external assets and their licences, the film's
// title and licence. Missing licences are flagged first; the roll downloads as plain text to edit further.
import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import type { Credits } from '../../../schemas/generated/types.ts'
import { api, urls } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'

@customElement('rfam-credits-page')
export class CreditsPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    .warnings { border-left: 6px solid var(--rfam-warn); background: var(--rfam-warn-soft); margin-bottom: 20px; }
    .warnings h2 { color: var(--rfam-warn); }
    .warnings ul { margin: 0 0 8px; padding-left: 1.2em; }
    .ready { border-left: 6px solid var(--rfam-ok); background: var(--rfam-ok-soft); margin-bottom: 20px; font-weight: 600; }
    .roll { text-align: center; background: #12131c; color: #f4f4fa; padding: 40px 16px; }
    .roll h2 { font-size: 0.95rem; text-transform: uppercase; letter-spacing: 0.12em; color: #c9c8ff; margin: 28px 0 8px; }
    .roll h2:first-child { margin-top: 0; }
    .roll p { margin: 0 0 4px; font-size: 1.15rem; overflow-wrap: anywhere; }
    .roll .film { margin-top: 36px; font-size: 1.4rem; font-weight: 700; }
    .roll .licence { font-size: 1rem; color: #c9c8ff; white-space: pre-line; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; font-family: var(--rfam-mono); background: var(--rfam-surface-2); padding: 12px; border-radius: 8px; }
    details { margin-top: 20px; }
    summary { cursor: pointer; font-weight: 600; min-height: var(--rfam-touch); display: flex; align-items: center; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly credits = new ApiController<Credits>(this, (signal) =>
    api.getCredits({ project: appState.project! }, { signal }))

  private readonly live = reloadOnChange(this, this.credits, 'project', 'members')

  override render () {
    const credits = this.credits.value
    const download = urls.getCredits({ project: appState.project! })
    return html`
      <div class="page-head">
        <h1>${t('credits:title')}</h1>
        <span class="spacer"></span>
        <a class="button" href="/project">${t('credits:edit')}</a>
        <a class="button primary" href=${download} download="${appState.project}-credits.txt">↓ ${t('credits:download')}</a>
      </div>
      ${this.credits.error ? html`<p class="error" role="alert">${this.credits.error}</p>` : nothing}
      ${!credits
        ? html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`
        : html`
        ${credits.warnings.length > 0
          ? html`<section class="card warnings" aria-labelledby="warnings"><h2 id="warnings">⚠ ${t('credits:not-final')}</h2>
              <ul>${credits.warnings.map((w) => html`<li>${w}</li>`)}</ul>
              <a href="/project">${t('credits:fix')}</a></section>`
          : html`<p class="card ready" role="status">✓ ${t('credits:ready')}</p>`}
        <article class="card roll" aria-label=${t('credits:title')}>
          ${credits.sections.map((section) => html`<h2>${section.heading}</h2>${section.lines.map((line) => html`<p>${line}</p>`)}`)}
          ${credits.sections.length === 0 ? html`<p>${t('credits:empty')}</p>` : nothing}
          ${credits.title ? html`<p class="film">${credits.title}</p>` : nothing}
          ${credits.license ? html`<p class="licence">${credits.license}</p>` : nothing}
        </article>
        <details>
          <summary>${t('credits:plain')}</summary>
          <pre>${credits.text}</pre>
        </details>`}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-credits-page': CreditsPage }
}
