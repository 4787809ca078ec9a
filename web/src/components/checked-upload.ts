// What the class set-up pages (Add people, Pictures) share: what the teacher chose is sent twice,
// first only checked (dryRun), which answers a table of what would happen to each line or file, then
// for real when the teacher confirms; nothing is saved before. CheckedUpload keeps the answer, the
// error and whether a request runs, and draws both pages alike around what is their own.
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit'
import { errorMessage } from '../controllers/api-client.ts'
import { t } from '../controllers/i18n.ts'
import { appState } from '../state/app-state.ts'
import { showToast } from './toast.ts'

/** A page's own part of the answer's table. */
export interface UploadTable {
  /** Lines or files that will be (or were) saved, and those refused. */
  count: number
  refused: number
  summary: string
  head: string[]
  rows: TemplateResult[]
  /** The confirm button's label, and the hint beside it while some are refused. */
  confirm: string
  hint: string
  /** The way on, once saved. */
  next: TemplateResult
}

export class CheckedUpload<R extends { dryRun: boolean }> implements ReactiveController {
  result?: R
  error = ''
  busy = false

  /** `request` sends (only checking, or for real); `done` is the toast once it was saved. */
  constructor (private readonly host: ReactiveControllerHost, private readonly request: (dryRun: boolean) => Promise<R>, private readonly done: (result: R) => string) {
    host.addController(this)
  }

  hostConnected (): void {}

  async send (dryRun: boolean): Promise<void> {
    this.busy = true
    this.error = ''
    this.host.requestUpdate()
    try {
      this.result = await this.request(dryRun)
      if (!dryRun) {
        showToast(this.done(this.result))
        await appState.loadProjectData()
      }
    } catch (error) {
      this.result = undefined
      this.error = errorMessage(error)
    } finally {
      this.busy = false
      this.host.requestUpdate()
    }
  }

  /**
   * The page, for staff only: its title with the project's name, the card where the teacher chooses
   * (`choose`, then any error), and the answer in a card named `resultLabel`.
   */
  page (title: string, choose: TemplateResult, resultLabel: string, table: (result: R) => UploadTable): TemplateResult {
    if (appState.me?.staff !== true) return html`<div class="card"><p>${t('setup:staff-only')}</p></div>`
    return html`
      <div class="page-head"><h1>${title}</h1><span class="spacer"></span><span class="muted">${appState.session?.project.name}</span></div>
      <section class="card">
        ${choose}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
      ${this.result ? html`<section class="card" aria-label=${resultLabel}>${this.answer(this.result.dryRun, table(this.result))}</section>` : nothing}`
  }

  /** The summary (a status: screen readers say it), the table, then the confirm button while it was only checked, or the way on. */
  private answer (dryRun: boolean, a: UploadTable): TemplateResult {
    return html`
      <p role="status" class=${a.refused ? 'summary warn' : 'summary ok'}>
        ${a.summary}
      </p>
      <div class="scroll"><table>
        <thead><tr>${a.head.map((h) => html`<th>${h}</th>`)}</tr></thead>
        <tbody>${a.rows}</tbody>
      </table></div>
      ${dryRun
        ? html`<div class="row">
            <button class="primary" type="button" ?disabled=${this.busy || a.count === 0} @click=${() => this.send(false)}>${a.confirm}</button>
            ${a.refused ? html`<span class="muted">${a.hint}</span>` : nothing}
          </div>`
        : a.next}`
  }
}
