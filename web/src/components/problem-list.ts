// For staff: the files RFAM cannot read now (GET /api/problems), each with what it stops and what to do,
// kept fresh by live updates. Broken sidecars of this project are one line with a link to each asset
// (its page says why). Shows nothing while every file is fine; only staff may ask for the list.
import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import type { Problem, ProblemList as ProblemListBody } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'

@customElement('rfam-problem-list')
export class ProblemList extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    section { border-left: 6px solid var(--rfam-warn); background: var(--rfam-warn-soft); margin-bottom: 20px; }
    h2 { color: var(--rfam-warn); }
    ul { margin: 0 0 8px; padding-left: 1.2em; }
    li { margin-bottom: 6px; overflow-wrap: anywhere; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly problems = new ApiController<ProblemListBody>(this, (signal) => api.listProblems({ signal }))
  private readonly live = reloadOnChange(this, this.problems, 'problems')

  /** What the damaged file stops until it is fixed, and what to do. */
  private effect (p: Problem): string {
    const who = p.subject ?? ''
    switch (p.kind) {
      case 'user': return t('problems:user', { who })
      case 'project': return t('problems:project', { who })
      case 'language': return t('problems:language', { who })
      case 'farm': return t('problems:farm')
      default: return t('problems:project-file')
    }
  }

  override render () {
    const list = this.problems.value?.problems ?? []
    if (list.length === 0) return nothing
    // This project's broken assets link to their pages; another project's are named by their file.
    const ours = list.filter((p) => p.kind === 'asset' && p.project === appState.project)
    const files = list.filter((p) => !ours.includes(p))
    return html`<section class="card" aria-labelledby="problems">
      <h2 id="problems">⚠ ${t('problems:title')}</h2>
      <p>${t('problems:hint')}</p>
      <ul>
        ${files.map((p) => html`<li>${t('problems:damaged', { file: p.file, reason: p.reason.replace(/\.$/, '') })} ${p.kind === 'asset' ? nothing : this.effect(p)}</li>`)}
        ${ours.length > 0
          ? html`<li>${t('problems:assets', { count: ours.length })}
              <span>${ours.map((p, i) => html`${i > 0 ? ', ' : ''}<a href=${assetHref(p.subject!)}>${p.subject}</a>`)}</span></li>`
          : nothing}
      </ul>
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-problem-list': ProblemList }
}
