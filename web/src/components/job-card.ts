// One render job: its latest picture, status, progress (done / rendering / failed frames), mean frame
// time and time left, priority (changed in place), the buttons its status allows, and on demand its
// frames and failures with the end of Blender's output. The controls show only when the server says the
// person may use them (the job view's canChange: staff, who started it, the people on its asset).
// A card a link points to (a notification's ?job=) stands out, with its details open.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { JobUpdate, JobView, RenderStats, Task, TaskFailure } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t, tSentence } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { SaveController } from '../controllers/save-controller.ts'
import { appState } from '../state/app-state.ts'
import { farm } from '../state/farm.ts'
import { assetHref } from '../router.ts'
import { settingsSummary, warningList, warningStyles } from './render-facts.ts'
import { saveMark, saveMarkStyles } from './save-mark.ts'
import { showToast } from './toast.ts'
import type { ConfirmDialog } from './confirm-dialog.ts'
import type { WatchDialog } from './frame-player-dialog.ts'
import './confirm-dialog.ts'
import './frame-player-dialog.ts'
import './render-stats.ts'

type Status = JobView['status']
type Action = NonNullable<JobUpdate['action']>

/** The buttons each status allows (the server refuses the others with a reason anyway). */
const actionsFor: Record<Status, Array<Action | 'remove'>> = {
  queued: ['pause', 'cancel'],
  active: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  failed: ['requeue', 'remove'],
  cancelled: ['requeue', 'remove'],
  completed: ['remove'],
}

/** The job's own frame times as render statistics (latest sample of each frame), for the chart. */
export function jobStats (job: JobView, tasks: Task[]): RenderStats {
  const frames: NonNullable<RenderStats['frames']> = {}
  for (const task of tasks) {
    for (const sample of task.samples ?? []) {
      const at = sample.at ?? job.updated ?? job.created
      ;(frames[String(sample.frame)] ??= []).push({ seconds: sample.seconds, at, ...(sample.node ? { node: sample.node } : {}) })
    }
  }
  return { frames }
}

/** Why a failure happened, in the page's language (the node's English sentence when there is no key). */
export function failureText (failure: TaskFailure): string {
  return tSentence(failure.sentence, failure.message)
}

/** Why the job stands where it is, in the page's language; its last error put in as the failure says it. */
export function jobMessage (job: JobView): string {
  const sentence = job.sentence
  if (!sentence?.params || sentence.params.error === undefined || !job.lastFailure?.sentence) return tSentence(sentence, job.message ?? '')
  return tSentence({ ...sentence, params: { ...sentence.params, error: failureText(job.lastFailure) } }, job.message ?? '')
}

export function jobStatusName (status: Status): string {
  const names: Record<Status, string> = {
    queued: t('job:queued'),
    active: t('job:active'),
    paused: t('job:paused'),
    completed: t('job:completed'),
    failed: t('job:failed'),
    cancelled: t('job:cancelled'),
  }
  return names[status]
}

@customElement('rfam-job-card')
export class JobCard extends LitElement {
  static override styles = [sharedStyles, saveMarkStyles, warningStyles, css`
    :host { display: block; }
    article { display: grid; grid-template-columns: 120px minmax(0, 1fr); gap: 8px 16px; }
    @media (max-width: 560px) { article { grid-template-columns: minmax(0, 1fr); } .preview { display: none; } }
    .preview { width: 120px; height: 68px; border-radius: 8px; background: var(--rfam-surface-2); object-fit: cover; }
    .placeholder { display: flex; align-items: center; justify-content: center; color: var(--rfam-muted); font-size: 0.8rem; text-align: center; padding: 4px; }
    h3 { margin: 0; font-size: 1.1rem; overflow-wrap: anywhere; }
    .top { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
    .status { padding: 2px 10px; border-radius: 999px; font-size: 0.85rem; font-weight: 700; }
    .status.queued, .status.paused { background: var(--rfam-surface-2); color: var(--rfam-muted); }
    .status.active { background: var(--rfam-accent-soft); color: var(--rfam-accent); }
    .status.completed { background: var(--rfam-ok-soft); color: var(--rfam-ok); }
    .status.failed, .status.cancelled { background: var(--rfam-error-soft); color: var(--rfam-error); }
    .bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; background: var(--rfam-surface-2); margin: 8px 0 4px; }
    .bar .done { background: var(--rfam-ok); }
    .bar .failed { background: var(--rfam-error); }
    .facts { display: flex; flex-wrap: wrap; gap: 4px 18px; color: var(--rfam-muted); font-size: 0.92rem; }
    .facts strong { color: var(--rfam-text); }
    .message { margin: 6px 0 0; font-size: 0.92rem; }
    .failure { color: var(--rfam-error); }
    .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 10px; }
    .priority { display: flex; align-items: center; gap: 6px; }
    .priority input { width: 6em; }
    .watch { margin-top: 10px; }
    details { grid-column: 1 / -1; }
    :host([highlighted]) article { outline: 3px solid var(--rfam-accent); outline-offset: 2px; }
    summary { cursor: pointer; font-weight: 600; min-height: var(--rfam-touch); display: flex; align-items: center; }
    table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rfam-surface-2); vertical-align: top; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 16em; overflow: auto; background: #12131c; color: #e8e8f0; padding: 8px; border-radius: 6px; font-size: 0.8rem; }
  `]

  @property({ attribute: false }) job!: JobView
  /** The job a link pointed to: marked, its details opened. */
  @property({ type: Boolean, reflect: true }) highlighted = false
  @state() private tasks?: Task[]
  @state() private busy = false
  @query('#confirm-remove') private confirmRemove!: ConfirmDialog
  @query('#confirm-cancel') private confirmCancel!: ConfirmDialog
  @query('rfam-watch-dialog') private watchDialog!: WatchDialog
  private readonly i18n = new I18nController(this)
  private readonly priorityMark = new SaveController(this)

  /** This card's job is being removed: stop following it. */
  private removing = false

  private changed (view: JobView): void {
    this.dispatchEvent(new CustomEvent<JobView>('job-changed', { detail: view, bubbles: true, composed: true }))
  }

  private async _act (action: Action | 'remove'): Promise<void> {
    this.busy = true
    try {
      // Both lose work that cannot be had back by a click: ask first.
      if (action === 'cancel' && !await this.confirmCancel.ask()) return
      if (action === 'remove') {
        if (!await this.confirmRemove.ask()) return
        this.removing = true
        await farm.remove(this.job.id)
        this.dispatchEvent(new CustomEvent<string>('job-removed', { detail: this.job.id, bubbles: true, composed: true }))
      } else {
        this.changed(await farm.update(this.job.id, { action }))
      }
    } catch (error) {
      this.removing = false
      showToast(errorMessage(error), 'error')
    } finally {
      this.busy = false
    }
  }

  private async _priority (event: Event): Promise<void> {
    const input = event.target as HTMLInputElement
    const priority = Number(input.value)
    if (input.value === '' || !Number.isInteger(priority)) {
      input.value = String(this.job.priority)
      return
    }
    await this.priorityMark.run(async () => { this.changed(await farm.update(this.job.id, { priority })) })
  }

  private async _details (event: Event): Promise<void> {
    if (!(event.target as HTMLDetailsElement).open) return
    try {
      this.tasks = (await farm.job(this.job.id)).tasks ?? []
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  override updated (changed: Map<string, unknown>): void {
    const details = this.renderRoot.querySelector('details')
    if (changed.has('highlighted') && this.highlighted && details) details.open = true
  }

  override willUpdate (changed: Map<string, unknown>): void {
    // Open details follow the job as it renders (not one this card is removing: it would be gone).
    if (changed.has('job') && this.tasks && changed.get('job') !== undefined && !this.removing) {
      void farm.job(this.job.id).then((view) => { this.tasks = view.tasks ?? [] }, () => undefined)
    }
  }

  private actionLabel (action: Action | 'remove'): string {
    const labels: Record<Action | 'remove', string> = {
      pause: t('job:pause'), resume: t('job:resume'), cancel: t('job:cancel'), requeue: t('job:requeue'), remove: t('job:remove'),
    }
    return labels[action]
  }

  private taskTable (tasks: Task[]) {
    const failures = tasks.flatMap((task) => (task.failures ?? []).map((f) => ({ task, f })))
    const stats = jobStats(this.job, tasks)
    // The estimate counts every frame of the range, which only holds without a frame step.
    const range = this.job.frameStep === 1 && !this.job.video
    return html`
      ${Object.keys(stats.frames!).length
        ? html`<h4>${t('job:times')}</h4>
        <rfam-render-stats .stats=${stats} .frameStart=${range ? this.job.frameStart : undefined}
          .frameEnd=${range ? this.job.frameEnd : undefined}></rfam-render-stats>`
        : nothing}
      ${failures.length
        ? html`<h4>${t('job:failures')}</h4>${failures.map(({ task, f }) => html`
        <p class="failure"><strong>${t('job:failure-line', { frames: (f.frame ?? task.frames[0]!), node: f.node, time: format.dateTime(f.at) })}</strong>
          ${failureText(f)}${f.exitCode != null ? ` (${t('job:exit-code', { code: f.exitCode })})` : ''}</p>
        ${f.logTail ? html`<pre>${f.logTail}</pre>` : nothing}`)}`
        : nothing}
      <table>
        <thead><tr><th>${t('job:frames')}</th><th>${t('job:status')}</th><th>${t('job:node')}</th><th>${t('job:attempts')}</th></tr></thead>
        <tbody>${tasks.map((task) => html`<tr>
          <td>${task.frames.length > 1 ? `${task.frames[0]}–${task.frames.at(-1)}` : task.frames[0]}</td>
          <td>${jobStatusName(task.status === 'completed' ? 'completed' : task.status)}</td>
          <td>${task.node ?? ''}</td><td>${task.attempts}</td></tr>`)}</tbody>
      </table>`
  }

  private controls (job: JobView) {
    return html`<div class="controls">
      <label class="priority">${t('job:priority')}
        <input type="number" step="1" .value=${String(job.priority)} @change=${this._priority}>
        ${saveMark(this.priorityMark.status, this.priorityMark.message)}</label>
      ${actionsFor[job.status].map((action) => html`<button type="button" class=${action === 'cancel' || action === 'remove' ? 'danger' : ''}
        ?disabled=${this.busy} @click=${() => this._act(action)}
        aria-label=${`${this.actionLabel(action)}: ${job.name}`}>${this.actionLabel(action)}</button>`)}
    </div>`
  }

  /** Someone else's job: its priority as text, and who may change it. */
  private notYours (job: JobView) {
    return html`<div class="controls">
      <span>${t('job:priority')}: ${job.priority}</span>
      <span class="muted">${t('job:not-yours')}</span>
    </div>`
  }

  override render () {
    const job = this.job
    const { frames, done, active, failed } = job.counts
    const percent = (n: number) => (frames ? (100 * n) / frames : 0)
    return html`<article class="card" aria-labelledby="name">
      ${job.preview
        ? html`<img class="preview" src=${job.preview} alt=${t('job:preview', { name: job.name })} loading="lazy">`
        : html`<div class="preview placeholder">${job.video ? t('job:video') : t('job:no-preview')}</div>`}
      <div>
        <div class="top">
          <h3 id="name">${job.name}</h3>
          <span class="status ${job.status}">${jobStatusName(job.status)}</span>
          ${job.asset ? html`<a class="tap" href=${assetHref(job.asset)}>${job.path}</a>` : html`<span class="mono">${job.path}</span>`}
        </div>
        <div class="bar" role="progressbar" aria-label=${t('job:progress', { name: job.name })}
          aria-valuemin="0" aria-valuemax=${frames} aria-valuenow=${done}
          aria-valuetext=${t('job:done-of', { done, frames })}>
          <!-- Only frames that are finished (or failed) fill the bar: frames being rendered are not done yet. -->
          <span class="done" style="width:${percent(done)}%"></span>
          <span class="failed" style="width:${percent(failed)}%"></span>
        </div>
        <div class="facts">
          <span><strong>${t('job:done-of', { done, frames })}</strong></span>
          ${active ? html`<span>${t('job:rendering-now', { count: active, nodes: job.nodes.join(', ') })}</span>` : nothing}
          ${failed ? html`<span class="failure">${t('job:failed-frames', { count: failed })}</span>` : nothing}
          ${job.video ? html`<span>${t('job:video')}</span>` : html`<span>${t('job:range', { start: job.frameStart, end: job.frameEnd })}</span>`}
          <span>${t('job:mft')}: <strong>${job.meanFrameSeconds != null ? format.duration(job.meanFrameSeconds) : t('job:mft-unknown')}</strong></span>
          ${job.estimatedSecondsLeft ? html`<span>${t('job:left', { time: format.duration(job.estimatedSecondsLeft) })}</span>` : nothing}
          ${job.errors ? html`<span class="failure">${t('job:errors', { count: job.errors })}</span>` : nothing}
          ${job.blenderVersion ? html`<span>${t('job:blender', { version: job.blenderPin ?? job.blenderVersion })}</span>` : nothing}
          ${job.device !== 'any' ? html`<span>${job.device === 'gpu' ? t('render:device-gpu') : t('render:device-cpu')}</span>` : nothing}
          <span>${t('job:by', { name: job.auto ? t('job:auto') : appState.userName(job.createdBy), time: format.dateTime(job.created) })}</span>
        </div>
        ${job.settings ? html`<p class="message settings">${settingsSummary(job.settings, job.counts.frames)}</p>` : nothing}
        ${job.cannotRender ? html`<p class="message failure cannot-render" role="note">${tSentence(job.cannotRender.sentence, job.cannotRender.message)}</p>` : nothing}
        ${job.message ? html`<p class="message">${jobMessage(job)}</p>` : nothing}
        ${warningList(job.warnings ?? [], job.settings, t('job:warnings'))}
        ${job.lastFailure ? html`<p class="message failure">${t('job:last-failure', { node: job.lastFailure.node })} ${failureText(job.lastFailure)}</p>` : nothing}
        ${job.canChange ? this.controls(job) : this.notYours(job)}
        <button type="button" class="watch" @click=${() => this.watchDialog.open([{ project: job.project, job: job.id }], t('player:title', { name: job.name }))}
          aria-label=${t('job:watch-label', { name: job.name })}>${t('job:watch')}</button>
      </div>
      <details @toggle=${this._details}>
        <summary>${t('job:details')}</summary>
        ${this.tasks ? this.taskTable(this.tasks) : html`<p class="muted">${t('common:loading')}</p>`}
      </details>
    </article>
    <rfam-confirm-dialog id="confirm-remove" heading=${t('job:remove-title')} message=${t('job:remove-confirm', { name: job.name })}
      confirm-label=${t('job:remove')} cancel-label=${t('action:cancel')}></rfam-confirm-dialog>
    <rfam-confirm-dialog id="confirm-cancel" heading=${t('job:cancel-title')}
      message=${t('job:cancel-confirm', { name: job.name, done, frames, left: Math.max(0, frames - done) })}
      confirm-label=${t('job:cancel-yes')} cancel-label=${t('job:cancel-no')}></rfam-confirm-dialog>
    <rfam-watch-dialog></rfam-watch-dialog>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-job-card': JobCard }
}
