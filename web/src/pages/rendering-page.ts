// Rendering: the render form, this project's jobs (progress, controls, failures) and the farm's nodes,
// all live: a node's progress shows up as it reports. A banner on top while the farm changes nothing
// because it cannot write its files (a full disk); it goes when the farm goes on. A link to one job
// (?job=, from a notification) scrolls to its card and marks it, or says the job is not here any more.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { AssetList, FarmNodeList, JobList, JobView } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { LiveUpdatesController, touches } from '../controllers/live-updates.ts'
import { appState } from '../state/app-state.ts'
import { farm } from '../state/farm.ts'
import '../components/job-form.ts'
import '../components/job-card.ts'
import '../components/node-table.ts'

@customElement('rfam-rendering-page')
export class RenderingPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    section { margin-bottom: 24px; }
    .jobs { display: flex; flex-direction: column; gap: 12px; }
    .error { color: var(--rfam-error); font-weight: 600; }
    .read-only { border-left: 6px solid var(--rfam-warn); background: var(--rfam-warn-soft); color: var(--rfam-warn); font-weight: 600; }
  `]

  /** The job a link points to (?job=); '' for none. */
  @property() job = ''
  /** The linked job was looked for in the loaded list: found (scrolled to) or not. */
  @state() private linked: { id: string, found: boolean } | null = null
  private readonly i18n = new I18nController(this)
  private readonly jobs = new ApiController<JobList>(this, (signal) => farm.jobs(signal))
  private readonly nodes = new ApiController<FarmNodeList>(this, (signal) => farm.nodes(signal))
  private readonly assets = new ApiController<AssetList>(this, (signal) => api.listAssets({ project: appState.project! }, { signal }))
  private readonly live = new LiveUpdatesController(this, () => appState.project, (changes) => {
    // A job's canChange follows its asset's owner and helpers, so an asset change reloads the jobs too.
    if (touches(changes, 'job', 'asset')) void this.jobs.reload()
    if (touches(changes, 'node')) void this.nodes.reload()
    if (touches(changes, 'asset')) void this.assets.reload()
  })

  private replaceJob (view: JobView): void {
    const list = this.jobs.value
    if (!list) return
    const known = list.jobs.some((j) => j.id === view.id)
    this.jobs.value = { ...list, jobs: known ? list.jobs.map((j) => (j.id === view.id ? view : j)) : [view, ...list.jobs] }
    this.requestUpdate()
  }

  private removeJob (id: string): void {
    const list = this.jobs.value
    if (list) this.jobs.value = { ...list, jobs: list.jobs.filter((j) => j.id !== id) }
    this.requestUpdate()
  }

  protected override updated (): void {
    const list = this.jobs.value
    if (!this.job || !list || this.linked?.id === this.job) return
    const card = [...this.renderRoot.querySelectorAll('rfam-job-card')].find((c) => c.job.id === this.job)
    this.linked = { id: this.job, found: card !== undefined }
    if (card) void card.updateComplete.then(() => card.scrollIntoView({ block: 'start' }))
  }

  override render () {
    const jobs = this.jobs.value?.jobs ?? []
    const readOnly = this.jobs.value?.farm?.readOnly
    return html`
      <div class="page-head"><h1>${t('tab:rendering')}</h1></div>
      ${readOnly ? html`<p class="card read-only" role="alert">⚠ ${t(readOnly.reason === 'disk-full' ? 'render:read-only-disk-full' : 'render:read-only-cannot-write')}</p>` : nothing}
      <section class="card" aria-labelledby="form-heading">
        <h2 id="form-heading">${t('render:title')}</h2>
        <rfam-job-form .assets=${this.assets.value?.assets ?? []}
          @job-created=${(e: CustomEvent<JobView>) => this.replaceJob(e.detail)}></rfam-job-form>
      </section>
      <section aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">${t('render:jobs', { count: jobs.length })}</h2>
        ${this.jobs.error ? html`<p class="error" role="alert">${this.jobs.error}</p>` : nothing}
        ${this.linked && !this.linked.found && this.linked.id === this.job ? html`<p class="card linked-gone" role="status">${t('render:linked-gone')}</p>` : nothing}
        ${this.jobs.value && jobs.length === 0 ? html`<p class="card">${t('render:no-jobs')}</p>` : nothing}
        <div class="jobs" @job-changed=${(e: CustomEvent<JobView>) => this.replaceJob(e.detail)}
          @job-removed=${(e: CustomEvent<string>) => this.removeJob(e.detail)}>
          ${repeat(jobs, (j) => j.id, (j) => html`<rfam-job-card .job=${j} ?highlighted=${j.id === this.job}></rfam-job-card>`)}
        </div>
      </section>
      <section class="card" aria-labelledby="nodes-heading">
        <h2 id="nodes-heading">${t('render:nodes')}</h2>
        ${this.nodes.error ? html`<p class="error" role="alert">${this.nodes.error}</p>` : nothing}
        <rfam-node-table .list=${this.nodes.value}
          @nodes-changed=${(e: CustomEvent<FarmNodeList>) => { this.nodes.value = e.detail; this.requestUpdate() }}></rfam-node-table>
      </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-rendering-page': RenderingPage }
}
