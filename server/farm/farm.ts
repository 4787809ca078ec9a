// The render farm service: jobs (created, changed, removed by people), nodes (their hello, their
// held work requests, reports, completions and failures), timeouts, statistics and previews. It
// owns the in-memory state; every status change goes through the state machine, every change
// that a reply depends on is on disk (the job store's journal) before the reply leaves.
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { posix } from 'node:path'
import type {
  FarmBye, FarmDone, FarmFailed, FarmHello, FarmNodeList, FarmPrenodeAck, FarmPrenodeJobs, FarmPrenodePoll, FarmReport,
  FarmReportReply, FarmState, FarmTask, FarmWelcome, FarmWork, FarmWorkRequest, Job, JobCreate, JobUpdate, JobView, RunRef, Task,
} from '../../schemas/generated/types.ts'
import type { FarmSettings } from '../config/load-config.ts'
import { badRequest, HttpError, notFound } from '../errors.ts'
import { Announcer } from './announcer.ts'
import { systemClock, type Clock } from './clock.ts'
import { FarmCredentialStore } from './credentials.ts'
import type { FarmDeps } from './farm-deps.ts'
import { FrameFiles } from './frame-files.ts'
import { checkBlendPath, createJob, projectPaths } from './job-factory.ts'
import { JobRuntime, type Run } from './job-runtime.ts'
import { JobStateMachine, isFinished } from './job-states.ts'
import { JobStore, type DamagedLine, type WriteProblem } from './job-store.ts'
import { byFile, describe, framesOnDisk, jobsToCheck } from './journal-repair.ts'
import { NodeRegistry, type NodeState } from './node-registry.ts'
import { NodeWaiters, type HeldPoll, type Offer } from './node-waiters.ts'
import { PrenodeNames } from './prenode-names.ts'
import { PrenodeWaiters, prenodeOffers, type PrenodeAsk } from './prenode-offers.ts'
import { sweepFolder } from '../store/temp-files.ts'
import { PreviewMaker } from './preview.ts'
import { RenderStatsWriter } from './render-stats.ts'
import { noWorkReason } from './sandbox-policy.ts'
import { Scheduler } from './scheduler.ts'
import { jobView, nodeView, relativeToProject } from './views.ts'
import { Changes, TaskMoves } from './task-moves.ts'
import { readOnlySentence, reasonOf } from './write-problem.ts'

// Farm is what the app and the tests build: its dependencies' types come with it.
export type { FarmDeps, FarmLog } from './farm-deps.ts'

const JITTER = 0.1
const BACKOFF_FACTOR = 2
/**
 * Longest wait between a node's retries: short, so a server back after an outage has its nodes
 * back within seconds; at most half the nodeGoneSeconds grace, so a live node whose held request
 * broke is back before it could be taken as gone.
 */
const BACKOFF_MAX_SECONDS = 5

/** A report, done or failed past its opening checks. */
interface Opening {
  state: NodeState
  rt: JobRuntime
  changes: Changes
  /** The tasks named that are the node's (claimed back ones included). */
  mine: number[]
  /** The frames reported whose files are on the share. */
  frames: FarmReport['frames']
}

export class Farm {
  readonly clock: Clock
  readonly store: JobStore
  readonly registry: NodeRegistry
  readonly credentials: FarmCredentialStore
  readonly sm: JobStateMachine
  readonly scheduler: Scheduler
  private readonly random: () => number
  private readonly newId: () => string
  private readonly waiters: NodeWaiters
  private readonly stats: RenderStatsWriter
  private readonly moves: TaskMoves
  private readonly previews: PreviewMaker
  private readonly previewed = new Set<string>()
  private readonly prenodes: PrenodeWaiters
  private readonly prenodeNames: PrenodeNames
  private readonly frameFiles: FrameFiles
  private readonly announcer: Announcer
  private sweepHandle: unknown = null
  private closed = false
  /** Why the farm changes nothing now (its folder cannot be written), with since when; null while it can. */
  private readOnly: { error: WriteProblem, since: number } | null = null
  /** Journal lines the start could not read, whose frames are still to be looked for on disk. */
  private unrepaired: DamagedLine[] = []
  private repairing: Promise<void> | null = null

  constructor (readonly deps: FarmDeps) {
    this.clock = deps.clock ?? systemClock
    this.random = deps.random ?? Math.random
    this.newId = deps.newId ?? randomUUID
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
      random: this.random,
      eligibleNodes: (group) => this.registry.eligible(group),
    })
    this.stats = new RenderStatsWriter(deps.updateAsset, deps.log)
    this.moves = new TaskMoves(deps, { sm: this.sm, clock: this.clock, scheduler: this.scheduler, registry: this.registry, stats: this.stats, announceNodes: () => this.announceNodes() })
    this.waiters = new NodeWaiters(this.clock, (poll) => this.offerHeld(poll))
    this.prenodes = new PrenodeWaiters(this.clock, (ask) => this.readOnly ? [] : prenodeOffers(this.scheduler.jobs.values(), ask))
    this.prenodeNames = new PrenodeNames(deps.farmDir, this.clock.now, deps.log)
    this.frameFiles = new FrameFiles(deps.resolveNamedPath, (job, named) => relativeToProject(named, deps.project(job.project)?.directory))
    this.announcer = new Announcer(this.clock, deps.emit, () => deps.projects?.() ?? [])
    this.previews = new PreviewMaker(deps.farmDir, deps.log, (job) => {
      this.previewed.add(job)
      const rt = this.scheduler.jobs.get(job)
      if (rt) this.announce(rt)
    })
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
      jobChanged: (job) => {
        const rt = this.scheduler.jobs.get(job.id)
        if (rt) this.scheduler.refresh(rt)
      },
    })
  }

  get settings (): FarmSettings { return this.deps.settings }

  async start (): Promise<void> {
    await this.registry.load()
    await this.prenodeNames.load()
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
    await sweepFolder(this.previews.dir) // previews a killed server was writing
    try {
      for (const name of readdirSync(this.previews.dir)) if (name.endsWith('.jpg')) this.previewed.add(name.slice(0, -4))
    } catch { /* no previews yet */ }
    this.unrepaired = [...this.store.damaged]
    // Before any work is handed out; on a disk that cannot be written, once it can (the farm is
    // read-only until then).
    if (!this.readOnly) await this.repairJournal().catch(() => {})
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
    if (j.count > 0) this.deps.log.info(`farm: journal: ${j.lines} changes in ${j.count} syncs, ${(j.totalMs / j.count).toFixed(1)} ms each on average, ${j.maxMs.toFixed(0)} ms at most`)
  }

  // ==== people: jobs ===========================================================================

  private runtime (project: string, id: string): JobRuntime {
    const rt = this.scheduler.jobs.get(id)
    if (!rt || rt.project !== project) throw notFound('RFAM_NO_JOB', `Project "${project}" has no render job ${id}.`)
    return rt
  }

  async createJob (project: string, body: JobCreate, options: { by?: string, auto?: boolean } = {}): Promise<JobView> {
    this.mustWrite()
    const info = this.deps.project(project)
    if (!info) throw notFound('RFAM_NO_PROJECT', `There is no project "${project}".`)
    const rel = checkBlendPath(body.file)
    const paths = projectPaths(this.deps.resolveNamedPath, info.directory)
    const abs = paths.file(rel)
    let isFile = false
    try { isFile = statSync(abs).isFile() } catch { isFile = false }
    if (!isFile) throw badRequest('RFAM_NO_FILE', `There is no file "${rel}" in project "${project}"; save it there first.`)
    const asset = this.deps.asset?.(project, rel)
    const job = createJob({
      id: this.newId(),
      now: this.clock.now(),
      project,
      projectDir: info.directory,
      body,
      defaultName: asset?.name ?? posix.basename(rel).replace(/\.blend$/i, ''),
      defaultPriority: asset?.priority,
      spread: this.settings.spreadFrames,
      asset: asset ? rel : undefined,
      createdBy: options.by,
      auto: options.auto,
    })
    paths.output(job.output!)
    await this.store.create(job)
    const rt = new JobRuntime(job)
    this.seedFromHistory(rt)
    this.scheduler.add(rt)
    this.announce(rt)
    this.wakeForWork()
    return this.view(rt)
  }

  /**
   * A file rendered before tells how long its frames take and what a Blender start costs, so the
   * first runs of a new job are sized right (a file of tiny frames is not split over processes).
   */
  private seedFromHistory (rt: JobRuntime): void {
    let best: JobRuntime | undefined
    for (const other of this.scheduler.jobs.values()) {
      if (other !== rt && other.job.file === rt.job.file && other.measuredSeconds !== null && (!best || other.created > best.created)) best = other
    }
    if (best) {
      rt.seed(best.measuredSeconds!, best.overheadSeconds)
      return
    }
    const stats = rt.job.asset ? this.deps.assetStats?.(rt.project, rt.job.asset) : undefined
    const latest = Object.values(stats?.frames ?? {}).map((samples) => samples?.at(-1)?.seconds).filter((x): x is number => x !== undefined)
    if (latest.length > 0) rt.seed(latest.reduce((a, b) => a + b, 0) / latest.length, rt.overheadSeconds)
  }

  listJobs (project: string): JobView[] {
    return [...this.scheduler.jobs.values()].filter((rt) => rt.project === project)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1))
      .map((rt) => this.view(rt))
  }

  getJob (project: string, id: string): JobView {
    return this.view(this.runtime(project, id), true)
  }

  async updateJob (project: string, id: string, patch: JobUpdate, by?: string): Promise<JobView> {
    const rt = this.runtime(project, id)
    this.mustWrite()
    const { job } = rt
    if (patch.action) {
      this.sm.act(job, patch.action, by)
      if (patch.action === 'requeue') rt.rebuild()
    }
    if (patch.priority !== undefined) job.priority = patch.priority
    if (patch.name !== undefined) job.name = patch.name
    job.updated = new Date(this.clock.now()).toISOString()
    this.scheduler.refresh(rt)
    const changes = new Changes()
    changes.add(rt, patch.action ? job.tasks.keys() : [])
    await this.commit(changes)
    this.waiters.tellCancels()
    if (patch.action !== 'cancel') this.wakeForWork()
    return this.view(rt)
  }

  async removeJob (project: string, id: string, by?: string): Promise<void> {
    const rt = this.runtime(project, id)
    // The file first: a job whose file could not be removed is not gone. (Allowed on a full disk:
    // it needs no room, and makes some.)
    await this.store.remove(id)
    if (!isFinished(rt.job.status)) this.sm.act(rt.job, 'cancel', by)
    this.scheduler.remove(rt)
    await this.previews.remove(id)
    this.previewed.delete(id)
    this.frameFiles.forget(id)
    this.waiters.tellCancels()
    this.announce(rt)
  }

  previewOf (project: string, id: string): string | null {
    this.runtime(project, id)
    const file = this.previews.pathOf(id)
    return this.previewed.has(id) && existsSync(file) ? file : null
  }

  private view (rt: JobRuntime, withTasks = false): JobView {
    const dir = this.deps.project(rt.project)?.directory
    return jobView(rt, {
      path: relativeToProject(rt.job.file, dir),
      preview: this.previewed.has(rt.id) ? `/api/projects/${rt.project}/jobs/${rt.id}/preview?v=${rt.job.revision ?? 0}` : null,
      withTasks,
    })
  }

  // ==== people: nodes ==========================================================================

  listNodes (): FarmNodeList {
    const now = this.clock.now()
    const overdueMs = (this.longPollSeconds() + 2 * this.heartbeatSeconds()) * 1000
    const nodes = [...this.registry.nodes.values()]
      .sort((a, b) => a.record.name.localeCompare(b.record.name))
      .map((s) => nodeView(s, this.scheduler.runsOfNode(s.record.name), now, overdueMs))
    return { nodes, heartbeatSeconds: this.heartbeatSeconds(), nodeTimeoutSeconds: this.settings.nodeTimeoutSeconds, allowUnsandboxedNodes: this.settings.allowUnsandboxedNodes }
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

  // ==== nodes: the protocol ====================================================================

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

  private node (name: string, session: string, credential: string): NodeState {
    const state = this.registry.authenticate(name, session)
    if (state.record.credential !== credential) {
      throw new HttpError(403, 'RFAM_NODE_CREDENTIAL', `Node "${name}" said hello with another farm credential; use the same one for every message.`)
    }
    this.registry.touch(state)
    return state
  }

  heartbeatSeconds (): number {
    let online = 0
    for (const s of this.registry.nodes.values()) if (s.online) online++
    // Rate control: many nodes report less often, so the server sees at most ~200 heartbeats a second.
    return Math.max(this.settings.heartbeatSeconds, online / 200)
  }

  longPollSeconds (): number {
    return Math.min(this.settings.longPollSeconds, this.settings.nodeTimeoutSeconds / 3)
  }

  async hello (msg: FarmHello, credential: string): Promise<FarmWelcome> {
    this.mustWrite()
    const { state, session, rebound } = await this.registry.hello(msg, credential)
    this.waiters.forgetCancels(state.record.name)
    const listed = new Set((msg.running ?? []).flatMap((r) => r.tasks.map((t) => `${r.job}/${t}`)))
    const changes = new Changes()
    let requeued = false
    // Work the server thought this node had but the node does not list was lost with it (it
    // restarted). A name staff freed for another credential keeps nothing of the old node's.
    for (const run of this.scheduler.runsOfNode(state.record.name)) {
      for (const idx of [...run.tasks]) {
        if (listed.has(`${run.job.id}/${run.job.task(idx).id}`) && !rebound) continue
        this.moves.requeue(run.job, idx, changes)
        requeued = true
      }
    }
    const cancel = this.moves.reconcile(state, msg.running ?? [], changes, !rebound)
    await this.commit(changes)
    if (requeued) this.wakeForWork()
    this.announceNodes()
    this.deps.log.info(`farm: node ${state.record.name} said hello (${msg.processes} process${msg.processes === 1 ? '' : 'es'}, shares ${msg.shares.join(', ') || 'none'}${msg.provides.length ? `, provides ${msg.provides.join(', ')}` : ''})`)
    const noWork = noWorkReason(state.record, this.settings.allowUnsandboxedNodes)
    if (noWork) this.deps.log.warn(`farm: node ${state.record.name} gets no work: ${noWork}`)
    return {
      ...(noWork ? { noWork } : {}),
      node: state.record.name,
      session,
      heartbeatSeconds: this.heartbeatSeconds(),
      longPollSeconds: this.longPollSeconds(),
      jitter: JITTER,
      backoffFactor: BACKOFF_FACTOR,
      backoffMaxSeconds: Math.min(BACKOFF_MAX_SECONDS, this.settings.nodeGoneSeconds / 2),
      cancel,
    }
  }

  /**
   * The node's poll: runs it must stop, runs it lost (resent), new runs for its free processes;
   * held open until one of those exists or the long poll ends. `aborted` ends it early (the node
   * went away; whatever was assigned meanwhile is resent on its next poll).
   */
  async work (msg: FarmWorkRequest, credential: string, aborted?: AbortSignal): Promise<FarmWork> {
    if (this.closed) throw new HttpError(503, 'RFAM_CLOSING', 'The server is stopping; try again in a moment.')
    this.mustWrite()
    const state = this.node(msg.node, msg.session, credential)
    const poll = this.registry.polled(state)
    const changes = new Changes()
    const cancel = mergeRefs(this.moves.reconcile(state, msg.running, changes, true), this.waiters.takeCancels(state))
    const runs = this.moves.resend(state, msg.running)
    if (cancel.length === 0 && runs.length === 0 && !state.record.paused && msg.free > 0) runs.push(...this.moves.assignUpTo(state, msg.free, changes))
    await this.commit(changes)
    if (cancel.length > 0 || runs.length > 0 || msg.wait === false) return { runs, cancel, paused: state.record.paused }
    // A node that died closed it; one that gave it up asks again at once (sweep decides).
    const closed = () => { if (!this.closed) this.registry.pollClosed(state, poll) }
    return await this.waiters.hold(state, msg.free, msg.running, this.longPollSeconds() * 1000, closed, aborted)
  }

  /** What a held poll gets when the farm re-checks it: runs to stop, or (with room) new runs; null for nothing yet. */
  private offerHeld (poll: HeldPoll): Offer | null {
    if (this.readOnly) return null
    const changes = new Changes()
    const cancel = mergeRefs(this.moves.reconcile(poll.node, poll.listed, changes, false), this.waiters.takeCancels(poll.node))
    const runs = cancel.length === 0 && !poll.node.record.paused && poll.free > 0 ? this.moves.assignUpTo(poll.node, poll.free, changes) : []
    if (cancel.length === 0 && runs.length === 0) {
      if (changes.jobs.size > 0) void this.commit(changes).catch(() => {}) // refused: put back, and logged by the store
      return null
    }
    return { cancel, runs, written: this.commit(changes) }
  }

  /** New work may be available: offer it to the nodes waiting (longest waiting first). */
  private wakeForWork (): void {
    if (this.readOnly) return
    this.prenodes.wake()
    this.waiters.offerWork(() => this.scheduler.hasRunnable())
  }

  /**
   * What report, done and failed begin with: the node's session, the job, the tasks named (409 for
   * any that never was the node's; queued ones it still renders claimed back), every frame of one
   * of them, and which of those are on the share. Null when the node must stop that run (the job
   * is gone, or a task is no longer its to finish): the reply is then { cancel: true }.
   */
  private async opening (msg: FarmReport | FarmDone | FarmFailed, credential: string): Promise<Opening | null> {
    this.mustWrite()
    const state = this.node(msg.node, msg.session, credential)
    const rt = this.scheduler.jobs.get(msg.job)
    if (!rt) return null
    const changes = new Changes()
    const own = this.ownTasks(rt, state, msg.tasks, changes)
    if (own.stop) {
      await this.commit(changes)
      return null
    }
    this.checkFrames(rt, msg.tasks, msg.frames)
    const frames = await this.onShare(rt, state, msg.frames)
    return { state, rt, changes, mine: own.mine, frames }
  }

  async report (msg: FarmReport, credential: string): Promise<FarmReportReply> {
    const opening = await this.opening(msg, credential)
    if (!opening) return { cancel: true }
    const { state, rt, changes, mine, frames } = opening
    const now = this.clock.now()
    for (const idx of mine) rt.task(idx).lastReport = new Date(now).toISOString()
    const nowShort = this.moves.writeFrames(rt, state, frames, changes)
    await this.commit(changes)
    this.preview(rt, msg)
    // Short frames may use every process of a node whose processes share its cores (scheduler.ts).
    if (nowShort) this.wakeForWork()
    return { cancel: false }
  }

  async done (msg: FarmDone, credential: string): Promise<FarmReportReply> {
    const opening = await this.opening(msg, credential)
    if (!opening) return { cancel: true }
    const { state, rt, changes, mine, frames } = opening
    let run: Run | undefined
    for (const idx of mine) if ((run = rt.runOfTask.get(idx)) !== undefined) break
    const nowShort = this.moves.writeFrames(rt, state, frames, changes)
    // A run in a Blender that had the file loaded already says nothing about the start-up cost.
    const warmBefore = rt.warmNodes.has(state.record.name)
    if (run && !warmBefore) rt.noteRunOverhead(msg.seconds - run.frameSeconds)
    if (msg.blenderKept) rt.warmNodes.add(state.record.name)
    else rt.warmNodes.delete(state.record.name)
    // Blender said it finished, yet frames are missing (or not on the share): a failure, not a success.
    const missing = mine.filter((idx) => rt.task(idx).status === 'active' && rt.task(idx).node === state.record.name)
    if (missing.length > 0) {
      const left = rt.framesOf(missing)
      this.moves.failTasks(rt, state, missing, { frame: left[0], exitCode: 0, message: missingMessage(rt, left), logTail: '' }, changes)
    }
    const runs = this.nextRuns(state, msg.free ?? 0, changes)
    await this.commit(changes)
    this.preview(rt, msg)
    if (missing.length > 0 || nowShort) this.wakeForWork()
    return this.replyWith(state, runs)
  }

  async failed (msg: FarmFailed, credential: string): Promise<FarmReportReply> {
    const opening = await this.opening(msg, credential)
    if (!opening) return { cancel: true }
    const { state, rt, changes, mine, frames } = opening
    this.moves.writeFrames(rt, state, frames, changes)
    rt.warmNodes.delete(state.record.name) // its Blender is gone
    const left = mine.filter((idx) => rt.task(idx).status === 'active' && rt.task(idx).node === state.record.name)
    if (left.length > 0) this.moves.failTasks(rt, state, left, msg, changes)
    const runs = this.nextRuns(state, msg.free ?? 0, changes)
    await this.commit(changes)
    this.waiters.tellCancels()
    this.wakeForWork()
    return this.replyWith(state, runs)
  }

  /**
   * After done or failed: new runs for the processes the node says are free, in the same reply
   * (one request per run instead of three). Without new runs, or when the node's held poll asked
   * for work itself, that poll is answered so the node asks again with the right count.
   */
  private nextRuns (state: NodeState, free: number, changes: Changes): FarmTask[] {
    // A done or failed sent again (its reply timed out) says free once more: the runs the first
    // one brought count as busy, so no process gets two.
    const idle = Math.min(free, state.record.processes - this.scheduler.runsOfNode(state.record.name).length)
    return !state.record.paused && idle > 0 && !this.closed ? this.moves.assignUpTo(state, idle, changes) : []
  }

  private replyWith (state: NodeState, runs: FarmTask[]): FarmReportReply {
    if (runs.length === 0 || (state.waiter && state.waiter.free > 0)) this.waiters.endHeldPoll(state)
    return runs.length > 0 ? { cancel: false, runs } : { cancel: false }
  }

  /** A node signing off: its tasks are queued again now, not after the timeout. */
  async bye (msg: FarmBye, credential: string): Promise<void> {
    this.mustWrite()
    const state = this.node(msg.node, msg.session, credential)
    const changes = new Changes()
    for (const run of this.scheduler.runsOfNode(state.record.name)) for (const idx of [...run.tasks]) this.moves.requeue(run.job, idx, changes)
    this.registry.offline(state)
    this.waiters.forgetCancels(state.record.name)
    await this.commit(changes)
    this.announceNodes()
    this.wakeForWork()
    this.deps.log.info(`farm: node ${state.record.name} signed off`)
  }

  // ==== prenodes (cluster watchers) ==========================================================

  /**
   * A prenode's poll: jobs waiting for nodes that it has not acted on and whose tags it provides;
   * held open (unless `wait` is false) until there are some or the long poll ends. The name
   * belongs to the credential that first used it (403 for any other).
   */
  async prenodePoll (msg: FarmPrenodePoll, credential: string, aborted?: AbortSignal): Promise<FarmPrenodeJobs> {
    if (this.closed) throw new HttpError(503, 'RFAM_CLOSING', 'The server is stopping; try again in a moment.')
    if (!this.prenodeNames.owns(msg.name, credential)) {
      await this.prenodeNames.bind(msg.name, credential)
      if (this.closed) throw new HttpError(503, 'RFAM_CLOSING', 'The server is stopping; try again in a moment.')
    }
    const ask: PrenodeAsk = { name: msg.name, provides: new Set(msg.provides) }
    // No nodes started for a farm that can hand out nothing.
    const jobs = this.readOnly ? [] : prenodeOffers(this.scheduler.jobs.values(), ask)
    // The long poll, so the prenode knows how long to wait for an answer before it gives up.
    const longPollSeconds = this.longPollSeconds()
    if (jobs.length > 0 || msg.wait === false) return { longPollSeconds, jobs }
    return { longPollSeconds, ...await this.prenodes.hold(ask, longPollSeconds * 1000, aborted) }
  }

  /** The prenode ran its command for these jobs: they are never offered to that name again (on disk before the reply). */
  async prenodeAck (msg: FarmPrenodeAck, credential: string): Promise<void> {
    this.mustWrite()
    if (!this.prenodeNames.owns(msg.name, credential)) await this.prenodeNames.bind(msg.name, credential)
    const changes = new Changes()
    const names: string[] = []
    for (const id of msg.jobs) {
      const rt = this.scheduler.jobs.get(id)
      if (!rt || rt.job.seenBy?.includes(msg.name)) continue
      rt.job.seenBy = [...(rt.job.seenBy ?? []), msg.name]
      changes.add(rt)
      names.push(`"${rt.job.name}"`)
    }
    await this.commit(changes)
    if (names.length > 0) this.deps.log.info(`farm: prenode ${msg.name} started nodes for ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`)
  }

  // ==== the moves =============================================================================

  /**
   * Checks that the tasks named are this node's (409 for any that never was), and claims back
   * queued ones it still renders after going silent; `stop` when some are no longer its to finish.
   */
  private ownTasks (rt: JobRuntime, state: NodeState, ids: string[], changes: Changes): { mine: number[], stop: boolean } {
    const mine: number[] = []
    const claims: number[] = []
    let stop = false
    // Every task is checked before any is claimed: a refusal leaves nothing half done.
    for (const id of ids) {
      const idx = rt.taskIndex.get(id)
      if (idx === undefined) throw badRequest('RFAM_NO_TASK', `Job "${rt.job.name}" has no task "${id}".`)
      const task = rt.task(idx)
      if (task.status === 'active' && task.node === state.record.name) mine.push(idx)
      else if (task.lastNode !== state.record.name) throw notYourTask(rt, task, state.record.name)
      else if (task.status === 'queued' && this.moves.mayClaimBack(rt, task, state)) claims.push(idx)
      else if (task.status !== 'completed') stop = true
    }
    for (const idx of claims) this.moves.claim(rt, idx, state, changes)
    return { mine: [...mine, ...claims], stop }
  }

  /** Every frame reported must belong to one of the tasks named (each frame is in one task only). */
  private checkFrames (rt: JobRuntime, ids: string[], frames: ReadonlyArray<{ frame: number }>): void {
    for (const { frame } of frames) {
      const idx = rt.taskOfFrame(frame)
      if (idx >= 0 && ids.includes(rt.task(idx).id)) continue
      throw badRequest('RFAM_BAD_FRAME', `Frame ${frame} is not part of task${ids.length === 1 ? '' : 's'} ${ids.join(', ')} of job "${rt.job.name}".`)
    }
  }

  /**
   * The frames whose files are on the share (frame-files.ts). The others do not count: they are
   * logged, and remembered for the failure of their task if Blender finishes without them.
   */
  private async onShare (rt: JobRuntime, state: NodeState, frames: FarmReport['frames']): Promise<FarmReport['frames']> {
    if (frames.length === 0) return frames
    const { counted, refused } = await this.frameFiles.check(rt.job, (f) => rt.task(rt.taskOfFrame(f)), frames)
    if (rt.refused.size > 0) for (const f of counted) rt.refused.delete(f.frame)
    if (refused.length === 0) return counted
    for (const r of refused) rt.refused.set(r.frame, r.why)
    const list = refused.slice(0, 10).map((r) => r.frame).join(', ') + (refused.length > 10 ? ', …' : '')
    this.deps.log.warn(`farm: node ${state.record.name} reported frame${refused.length === 1 ? '' : 's'} ${list} of "${rt.job.name}" written, but they do not count: ${refused[0]!.why}${refused.length > 1 ? ' (and more)' : ''}`)
    return counted
  }

  // ==== timeouts ================================================================================

  private scheduleSweep (): void {
    if (this.closed) return
    this.sweepHandle = this.clock.setTimeout(() => {
      void this.sweep().catch(() => {}).finally(() => this.scheduleSweep()) // a refused change is logged by the store
    }, 1000)
  }

  /**
   * Nodes silent for longer than nodeTimeoutSeconds, and those whose held request closed from their
   * end with nothing from them since for nodeGoneSeconds (killed), lose their tasks to the queue.
   */
  async sweep (): Promise<void> {
    if (this.readOnly) return // nobody can report meanwhile: nobody times out
    const { nodeTimeoutSeconds, nodeGoneSeconds } = this.settings
    const gone = [
      ...this.registry.timedOut(nodeTimeoutSeconds * 1000).map((state) => ({ state, why: `has not been heard from for ${nodeTimeoutSeconds} s` })),
      ...this.registry.closedGone(nodeGoneSeconds * 1000).map((state) => ({ state, why: `closed its request for work and sent nothing for ${nodeGoneSeconds} s (stopped, killed or crashed)` })),
    ]
    if (gone.length === 0) return
    const changes = new Changes()
    for (const { state, why } of gone) {
      let lost = 0
      for (const run of this.scheduler.runsOfNode(state.record.name)) {
        for (const idx of [...run.tasks]) {
          this.moves.requeue(run.job, idx, changes, true) // it may still be rendering: it may claim them back
          lost++
        }
      }
      this.deps.log.warn(`farm: node ${state.record.name} ${why}${lost ? `; its ${lost} task${lost === 1 ? '' : 's'} are queued again` : ''}`)
    }
    await this.commit(changes)
    this.announceNodes()
    this.wakeForWork()
  }

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
      if (first) this.deps.log.error(`farm: read-only: ${readOnlySentence(problem)}`)
      this.announceState()
      return
    }
    try {
      // Frames of journal lines a start could not read are looked for before work goes out again.
      await this.repairJournal()
    } catch {
      return // refused again: the store tries again, and calls back
    }
    if (this.store.problem || !this.readOnly) return
    this.readOnly = null
    this.registry.restartSilence()
    this.deps.log.info('farm: the farm folder can be written again; the farm goes on')
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

  /**
   * Journal lines the start could not read (journal-repair.ts): the frames of their jobs that are
   * on disk count, then each journal file is reported. Throws when that cannot be written.
   */
  private repairJournal (): Promise<void> {
    this.repairing ??= this.repair().finally(() => { this.repairing = null })
    return this.repairing
  }

  private async repair (): Promise<void> {
    if (this.unrepaired.length === 0) return
    const damaged = this.unrepaired
    const everyJob = damaged.some((d) => d.job === undefined)
    const checked = jobsToCheck(damaged, this.scheduler.jobs)
    const found = new Map<JobRuntime, number[]>()
    const changes = new Changes()
    for (const rt of checked) {
      const frames = await framesOnDisk(this.frameFiles, rt)
      if (frames.length === 0) continue
      found.set(rt, frames)
      this.moves.countFound(rt, frames, changes)
    }
    await this.commit(changes)
    this.unrepaired = []
    for (const [file, lines] of byFile(damaged)) {
      const reason = describe(lines, checked, everyJob, found)
      if (this.deps.problem) this.deps.problem(file, reason)
      else this.deps.log.warn(`farm: journal ${file}: ${reason}`)
    }
  }

  /** Asks for a preview of the latest frame a node wrote, or of the picture it made of one (a movie's frames only that way). */
  private preview (rt: JobRuntime, msg: { output?: string, preview?: string }): void {
    const source = msg.preview ?? (rt.job.video ? undefined : msg.output)
    if (!source) return
    try {
      const dir = posix.dirname(rt.job.output ?? '')
      const info = this.deps.project(rt.project)
      if (!info) return
      const abs = projectPaths(this.deps.resolveNamedPath, info.directory).read(`${dir}/${source}`, 'frame')
      this.previews.request(rt.id, abs)
    } catch (err) {
      this.deps.log.warn(`farm: no preview for "${rt.job.name}": ${(err as Error).message}`)
    }
  }

  private announce (rt: JobRuntime): void { this.announcer.job(rt.project, rt.id) }

  private announceNodes (): void { this.announcer.nodesChanged() }

  /** For tests and the CLI: the job as it is in memory. */
  jobFile (id: string): Job | undefined { return this.scheduler.jobs.get(id)?.job }

  /** Waits until render statistics gathered so far are written to the sidecars. */
  flushStats (): Promise<void> { return this.stats.flush() }
}

/** Joins two lists of runs to stop, one entry per job. */
function mergeRefs (a: RunRef[], b: RunRef[]): RunRef[] {
  if (b.length === 0) return a
  if (a.length === 0) return b
  const byJob = new Map<string, Set<string>>()
  for (const r of [...a, ...b]) {
    const set = byJob.get(r.job) ?? new Set<string>()
    for (const t of r.tasks) set.add(t)
    byJob.set(r.job, set)
  }
  return [...byJob].map(([job, tasks]) => ({ job, tasks: [...tasks] as RunRef['tasks'] }))
}

/** A node naming a task that is not its own. */
function notYourTask (rt: JobRuntime, task: Task, node: string): HttpError {
  return new HttpError(409, 'RFAM_NOT_YOUR_TASK', task.status === 'active'
    ? `Task ${task.id} of job "${rt.job.name}" is being rendered by node "${task.node}", not by "${node}"; a node may only report on its own tasks.`
    : `Task ${task.id} of job "${rt.job.name}" was not handed to node "${node}"; a node may only report on its own tasks.`)
}

/** Why a run Blender finished left frames undone: their files were not on the share, or Blender never wrote them. */
function missingMessage (rt: JobRuntime, frames: number[]): string {
  const list = (xs: number[]) => `${xs.slice(0, 10).join(', ')}${xs.length > 10 ? ', …' : ''}`
  const refused = frames.filter((f) => rt.refused.has(f))
  if (refused.length === 0) return `Blender finished without writing frame${frames.length === 1 ? '' : 's'} ${list(frames)}.`
  const one = refused.length === 1
  return `Frame${one ? '' : 's'} ${list(refused)} ${one ? 'was' : 'were'} reported written, but ${one ? 'its file is' : 'their files are'} not on the share: ${rt.refused.get(refused[0]!)}.`
}
