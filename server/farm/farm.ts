// The render farm service, and the facade the routes call: jobs (created, changed, removed by
// people), nodes (their hello, their held work requests, reports, completions and failures),
// prenodes, timeouts, statistics and previews. It owns the in-memory state and builds the parts
// that act on it (farm-context.ts says what they share); every status change goes through the
// state machine, and every change that a reply depends on is on disk (the job store's journal)
// before the reply leaves. While the farm folder cannot be written, the farm is read-only.
import { randomUUID } from 'node:crypto'
import type {
  FarmBye, FarmDone, FarmFailed, FarmHello, FarmNodeList, FarmPrenodeAck, FarmPrenodeJobs, FarmPrenodePoll, FarmReport,
  FarmReportReply, FarmState, FarmWelcome, FarmWork, FarmWorkRequest, Job, JobCreate, JobUpdate, JobView, RenderSettingsView, FilmPlan,
} from '../../schemas/generated/types.ts'
import type { FarmSettings } from '../config/load-config.ts'
import { HttpError } from '../errors.ts'
import { Announcer } from './announcer.ts'
import { systemClock, type Clock } from './clock.ts'
import { FarmCredentialStore } from './credentials.ts'
import type { FarmContext } from './farm-context.ts'
import type { FarmDeps } from './farm-deps.ts'
import { FarmJobs } from './farm-jobs.ts'
import { FrameFiles } from './frame-files.ts'
import { JobRuntime } from './job-runtime.ts'
import { isFinished, JobStateMachine } from './job-states.ts'
import { JobStore, type WriteProblem } from './job-store.ts'
import { JournalRepair } from './journal-repair.ts'
import { finishedAt, foldArrays } from './node-arrays.ts'
import { NodeProtocol } from './node-protocol.ts'
import { NodeRegistry } from './node-registry.ts'
import { fitSignature } from './node-fit.ts'
import { NodeWaiters } from './node-waiters.ts'
import { PrenodeService } from './prenode-service.ts'
import { RenderStatsWriter } from './render-stats.ts'
import { RunReports } from './run-reports.ts'
import { Shipping } from './shipping.ts'
import { Scheduler } from './scheduler.ts'
import { SingleUseArrivals } from './single-use-arrivals.ts'
import { Changes, TaskMoves } from './task-moves.ts'
import { nodeView, relativeToProject, renderRef } from './views.ts'
import { readOnlySentence, reasonOf } from './write-problem.ts'

// Farm is what the app and the tests build: its dependencies' types come with it.
export type { FarmDeps, FarmLog } from './farm-deps.ts'

export class Farm {
  readonly clock: Clock
  readonly store: JobStore
  readonly registry: NodeRegistry
  readonly credentials: FarmCredentialStore
  readonly sm: JobStateMachine
  readonly scheduler: Scheduler
  /** Closures and transfers for nodes without the share. */
  readonly shipping: Shipping
  private readonly waiters: NodeWaiters
  private readonly stats: RenderStatsWriter
  private readonly prenodes: PrenodeService
  readonly arrivals = new SingleUseArrivals()
  private readonly announcer: Announcer
  private readonly jobs: FarmJobs
  private readonly protocol: NodeProtocol
  private readonly reports: RunReports
  private readonly repair: JournalRepair
  private sweepHandle: unknown = null
  private closed = false
  /** The Blenders and devices of the nodes jobs are judged against, as last announced (node-fit.ts). */
  private fitSeen = ''
  /** Why the farm changes nothing now (its folder cannot be written), with since when; null while it can. */
  private readOnly: { error: WriteProblem, since: number } | null = null

  constructor (readonly deps: FarmDeps) {
    this.clock = deps.clock ?? systemClock
    const random = deps.random ?? Math.random
    this.store = new JobStore({
      farmDir: deps.farmDir,
      log: deps.log,
      putBack: (job) => this.putBack(job),
      writable: (problem) => { void this.writableChanged(problem) },
    })
    this.registry = new NodeRegistry(deps.farmDir, this.clock.now, deps.log, deps.settings.allowUnsandboxedNodes)
    this.credentials = new FarmCredentialStore(deps.secretsDir, this.clock.now)
    this.sm = new JobStateMachine(this.clock.now, (job) => this.scheduler.jobs.get(job.id)?.taskCounts)
    this.scheduler = new Scheduler({
      projectPriority: (p) => deps.project(p)?.renderPriority ?? 1,
      random,
      eligibleNodes: (group) => this.registry.eligible(group),
      singleUseComing: (job) => this.arrivals.stillComing(job),
      // A run that ends (done, failed, cancelled) changes what the node is doing: pages are told.
      runsChanged: () => this.announceNodes(),
    })
    this.shipping = new Shipping(deps, this.registry, this.scheduler)
    this.stats = new RenderStatsWriter(deps.updateAsset, deps.log)
    const moves = new TaskMoves(deps, { sm: this.sm, clock: this.clock, scheduler: this.scheduler, registry: this.registry, stats: this.stats, announceNodes: () => this.announceNodes(), arrivals: this.arrivals })
    this.waiters = new NodeWaiters(this.clock, (poll) => this.protocol.offerHeld(poll))
    const frameFiles = new FrameFiles(deps.resolveNamedPath, (job, named) => relativeToProject(named, deps.project(job.project)?.directory))
    this.announcer = new Announcer(this.clock, deps.emit, () => deps.projects?.() ?? [])
    const farm = this
    const ctx: FarmContext = {
      deps,
      clock: this.clock,
      store: this.store,
      registry: this.registry,
      sm: this.sm,
      scheduler: this.scheduler,
      moves,
      waiters: this.waiters,
      arrivals: this.arrivals,
      frameFiles,
      get closed () { return farm.closed },
      get readOnly () { return farm.readOnly !== null },
      mustWrite: () => this.mustWrite(),
      commit: (changes) => this.commit(changes),
      announce: (rt) => this.announce(rt),
      announceNodes: () => this.announceNodes(),
      wakeForWork: () => this.wakeForWork(),
      preview: (rt, msg) => this.jobs.preview(rt, msg),
    }
    this.jobs = new FarmJobs(ctx, deps.newId ?? randomUUID)
    this.protocol = new NodeProtocol(ctx)
    this.reports = new RunReports(ctx)
    this.repair = new JournalRepair(ctx)
    this.prenodes = new PrenodeService(ctx, () => this.protocol.longPollSeconds())
    this.sm.listen({
      taskChanged: (job, task, from) => {
        const rt = this.scheduler.jobs.get(job.id)
        if (!rt) return
        // A task taken from a node by the server (cancel, job failed): that node must stop it.
        if (from === 'active' && task.status === 'cancelled') {
          const run = rt.runOfTask.get(rt.taskIndex.get(task.id)!)
          if (run) this.waiters.noteCancel(run.node, job.id, task.id)
        }
        rt.taskChanged(task, from)
        this.scheduler.refresh(rt)
      },
      jobChanged: (job, from) => {
        const rt = this.scheduler.jobs.get(job.id)
        if (rt) this.scheduler.refresh(rt)
        const fields = { job: job.id, project: job.project, status: job.status, from, ...(job.message ? { reason: job.message } : {}) }
        if (job.status === 'failed') this.deps.log.error(fields, 'job failed')
        else this.deps.log.info(fields, `job ${job.status}`)
        // A render of an asset that ended goes into the asset's history.
        if (job.asset && isFinished(job.status)) this.deps.history?.(job.project, job.asset, { by: 'farm', kind: 'render', to: job.status, render: renderRef(job) })
        if (isFinished(job.status)) this.deps.jobEnded?.(job)
      },
    })
  }

  get settings (): FarmSettings { return this.deps.settings }

  async start (): Promise<void> {
    await this.registry.load()
    await this.prenodes.load()
    for (const job of await this.store.load()) {
      const rt = new JobRuntime(job)
      this.scheduler.add(rt)
      // Tasks that were being rendered when the server stopped stay with their node, which gets a
      // full timeout to claim them back before they are queued again.
      job.tasks.forEach((task, idx) => {
        if (task.status !== 'active' || !task.node) return
        task.lastNode ??= task.node // job files from before lastNode existed
        rt.joinRun(task.node, idx, this.clock.now())
        this.registry.expectBack(task.node)
      })
    }
    await this.jobs.loadPreviews()
    this.repair.noteDamaged(this.store.damaged)
    // Before any work is handed out; on a disk that cannot be written, once it can (the farm is
    // read-only until then).
    if (!this.readOnly) await this.repair.run().catch(() => {})
    this.scheduleSweep()
  }

  async close (): Promise<void> {
    this.closed = true
    if (this.sweepHandle !== null) this.clock.clearTimeout(this.sweepHandle)
    this.waiters.close()
    this.prenodes.close()
    this.announcer.close()
    await this.stats.flush()
    await this.store.close()
    const j = this.store.syncStats
    if (j.count > 0) this.deps.log.info({ changes: j.lines, syncs: j.count, averageMs: Number((j.totalMs / j.count).toFixed(1)), maxMs: Math.round(j.maxMs) }, 'journal writes since start')
  }

  // ==== people: jobs (farm-jobs.ts) ============================================================

  createJob (project: string, body: JobCreate, options: { by?: string, auto?: boolean } = {}): Promise<JobView> { return this.jobs.createJob(project, body, options) }
  listJobs (project: string): JobView[] { return this.jobs.listJobs(project) }
  createFilmJob (project: string, plan: FilmPlan, name: string, by?: string): Promise<JobView> { return this.jobs.createFilmJob(project, plan, name, by) }
  renderSettings (project: string, path: string): Promise<RenderSettingsView> { return this.jobs.renderSettings(project, path) }
  getJob (project: string, id: string): JobView { return this.jobs.getJob(project, id) }
  updateJob (project: string, id: string, patch: JobUpdate, by?: string): Promise<JobView> { return this.jobs.updateJob(project, id, patch, by) }
  removeJob (project: string, id: string, by?: string): Promise<void> { return this.jobs.removeJob(project, id, by).then(() => this.shipping.closures.forget(id)) }
  previewOf (project: string, id: string): string | null { return this.jobs.previewOf(project, id) }
  frameFile (project: string, id: string, frame: number): Promise<{ file: string, render: string }> { return this.jobs.frameFile(project, id, frame) }
  latestPreviewOf (project: string, asset: string): { file: string, mtimeMs: number, size: number } | null { return this.jobs.latestPreviewOf(project, asset) }

  // ==== people: nodes ==========================================================================

  listNodes (): FarmNodeList {
    const now = this.clock.now()
    const overdueMs = (this.protocol.longPollSeconds() + 2 * this.protocol.heartbeatSeconds()) * 1000
    // Finished single-use nodes are folded into one entry per array (node-arrays.ts).
    const nodes = [...this.registry.nodes.values()].filter((s) => finishedAt(s) === null)
      .sort((a, b) => a.record.name.localeCompare(b.record.name))
      .map((s) => nodeView(s, this.scheduler.runsOfNode(s.record.name), now, overdueMs))
    return { nodes, arrays: foldArrays(this.registry.nodes.values()), heartbeatSeconds: this.protocol.heartbeatSeconds(), nodeTimeoutSeconds: this.settings.nodeTimeoutSeconds, allowUnsandboxedNodes: this.settings.allowUnsandboxedNodes }
  }

  async setNodePaused (name: string, paused: boolean): Promise<void> {
    const state = await this.registry.setPaused(name, paused)
    this.announceNodes()
    if (!paused) this.waiters.wake(state)
  }

  async setAllPaused (paused: boolean): Promise<void> {
    for (const name of [...this.registry.nodes.keys()]) await this.registry.setPaused(name, paused)
    this.announceNodes()
    if (!paused) this.wakeForWork()
  }

  // ==== nodes: the protocol (node-protocol.ts, run-reports.ts say what each message does) ======

  /** The credential's name, or 401: no anonymous node takes or reports work. */
  checkCredential (secret: string | undefined): string {
    const name = this.credentials.verify(secret)
    if (!name) {
      throw new HttpError(401, 'RFAM_FARM_CREDENTIAL', secret
        ? 'That farm credential is not known to this server (or was revoked); ask staff for a new one (npm run farm -- credential <name>).'
        : 'Render nodes must send a farm credential: Authorization: Bearer <credential>.')
    }
    return name
  }

  heartbeatSeconds (): number { return this.protocol.heartbeatSeconds() }
  longPollSeconds (): number { return this.protocol.longPollSeconds() }
  hello (msg: FarmHello, credential: string): Promise<FarmWelcome> { return this.protocol.hello(msg, credential) }
  work (msg: FarmWorkRequest, credential: string, aborted?: AbortSignal): Promise<FarmWork> { return this.protocol.work(msg, credential, aborted) }
  report (msg: FarmReport, credential: string): Promise<FarmReportReply> { return this.reports.report(msg, credential) }
  done (msg: FarmDone, credential: string): Promise<FarmReportReply> { return this.reports.done(msg, credential) }
  failed (msg: FarmFailed, credential: string): Promise<FarmReportReply> { return this.reports.failed(msg, credential) }
  bye (msg: FarmBye, credential: string): Promise<void> { return this.protocol.bye(msg, credential) }

  // ==== prenodes (cluster watchers: prenode-service.ts) =======================================

  prenodePoll (msg: FarmPrenodePoll, credential: string, aborted?: AbortSignal): Promise<FarmPrenodeJobs> { return this.prenodes.poll(msg, credential, aborted) }
  prenodeAck (msg: FarmPrenodeAck, credential: string): Promise<void> { return this.prenodes.ack(msg, credential) }

  // ==== timeouts ================================================================================

  private scheduleSweep (): void {
    if (this.closed) return
    this.sweepHandle = this.clock.setTimeout(() => {
      void this.sweep().catch(() => {}).finally(() => this.scheduleSweep()) // a refused change is logged by the store
    }, 1000)
  }

  /** Nodes gone silent (or killed) lose their tasks to the queue (node-protocol.ts). */
  sweep (): Promise<void> { return this.protocol.sweep() }

  // ==== plumbing ================================================================================

  private async commit (changes: Changes): Promise<void> {
    // Lines recorded together share one sync and one promise: waiting for the last waits for all.
    let written: Promise<void> | undefined
    for (const [rt, idxs] of changes.jobs) {
      if (!this.scheduler.jobs.has(rt.id)) continue
      written = this.store.record(rt.job, idxs)
      this.announce(rt)
    }
    // When the write fails, the store has put every job in it back as it is on disk (putBack).
    await written
    for (const then of changes.after) then()
  }

  /** New work may be available: offer it to the nodes and prenodes waiting (longest waiting first). */
  private wakeForWork (): void {
    if (this.readOnly) return
    this.prenodes.wake()
    this.waiters.offerWork(() => this.scheduler.hasRunnable())
  }

  // ==== the farm folder: read-only while it cannot be written =================================

  /** Whether the farm changes anything now; the job list carries it (the web UI's banner). */
  state (): { farm?: FarmState } {
    if (!this.readOnly) return {}
    const { error, since } = this.readOnly
    return { farm: { readOnly: { reason: reasonOf(error), since: new Date(since).toISOString(), message: readOnlySentence(error) } } }
  }

  /** Refuses a change up front while the farm cannot write it: nothing in memory is touched. */
  private mustWrite (): void {
    if (this.readOnly) throw this.readOnly.error
  }

  /** The store cannot write (or can again): the farm refuses changes meanwhile, and says so. */
  private async writableChanged (problem: WriteProblem | null): Promise<void> {
    if (problem) {
      const first = !this.readOnly
      this.readOnly = { error: problem, since: this.readOnly?.since ?? this.clock.now() }
      if (first) this.deps.log.error({ reason: reasonOf(problem), detail: readOnlySentence(problem) }, 'farm read-only: its folder cannot be written')
      this.announceState()
      return
    }
    try {
      // Frames of journal lines a start could not read are looked for before work goes out again.
      await this.repair.run()
    } catch {
      return // refused again: the store tries again, and calls back
    }
    if (this.store.problem || !this.readOnly) return
    this.readOnly = null
    this.registry.restartSilence()
    this.deps.log.info({}, 'farm folder writable again: the farm goes on')
    this.announceState()
    this.wakeForWork()
  }

  private announceState (): void {
    for (const project of this.deps.projects?.() ?? []) this.deps.emit?.({ project, kind: 'job' })
  }

  /** A change to this job was refused and the job put back as it is on disk: what the farm keeps of it follows. */
  private putBack (job: Job): void {
    const rt = this.scheduler.jobs.get(job.id)
    if (!rt) return
    rt.resync(this.clock.now())
    this.waiters.dropVoidCancels(rt)
    this.scheduler.refresh(rt)
    this.announce(rt)
  }

  private announce (rt: JobRuntime): void { this.announcer.job(rt.project, rt.id) }

  private announceNodes (): void {
    this.announcer.nodesChanged()
    // Whether a job can be rendered at all (its Blender, its device) depends on the nodes there are.
    const fit = fitSignature(this.jobs.fitPool())
    if (fit === this.fitSeen) return
    this.fitSeen = fit
    for (const rt of this.scheduler.jobs.values()) if (!isFinished(rt.job.status)) this.announce(rt)
  }

  /** For tests and the CLI: the job as it is in memory. */
  jobFile (id: string): Job | undefined { return this.scheduler.jobs.get(id)?.job }

  /** Waits until render statistics gathered so far are written to the sidecars. */
  flushStats (): Promise<void> { return this.stats.flush() }
}
