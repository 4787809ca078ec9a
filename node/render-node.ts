// The render node's loop (docs/farm-protocol.md): say hello, then keep one work request open at
// all times. It brings new runs for free processes and cancels for running ones, and it is the
// node's heartbeat. Each process slot renders one run at a time (blender-slots.ts): a frames run
// in the slot's Blender session (kept open with its file loaded for the next run of the same file,
// see blender-session.ts), a video run in a Blender of its own. Every frame written is reported at
// once (so a crash loses nothing already rendered), progress again every heartbeat, and the run
// ends with done or failed, retried until the server has it. Every request has a timeout (a
// frozen server is noticed); errors back off with jitter, a few seconds at most (pacing.ts), so the
// node is back at work soon after the server is. Before Blender starts, the run's files are checked
// to stay inside its project (job-place.ts); on a node with a sandbox (sandbox.ts) Blender sees
// only that project and writes only the output folder.
import { basename } from 'node:path'
import type { FarmTask, FarmWelcome, FarmReportReply, NodeBlender, NodeSandbox, RunRef } from '../schemas/generated/types.ts'
import { failureSentence, missingField, type WrittenFrame } from './blender-output.ts'
import { say, type Said } from '../common/sentences.ts'
import type { BlenderExit } from './blender-process.ts'
import { BlenderSession } from './blender-session.ts'
import { BlenderSlots } from './blender-slots.ts'
import { processesShareCores, type RenderNodeConfig } from './config.ts'
import { placeOfRun, type RunPlace } from './job-place.ts'
import { RunRefused } from './run-refused.ts'
import { helloBlenders, runBlender } from './run-blender.ts'
import { Pacing } from './pacing.ts'
import type { Sandbox } from './sandbox.ts'
import { Shipper } from './shipped-files.ts'
import { deliver, type DeliverContext } from './deliver.ts'
import { sendReport, type ActiveRun } from './run-report.ts'
import { describeCallError, HELD_MARGIN_MS, ServerClient, ServerError } from '../common/farm-call.ts'
import { farmClient, type FarmClient } from '../common/farm-client.ts'
import { createLogger, type Log } from '../common/log.ts'

export interface RenderNodeOptions {
  version: string
  blenderVersion?: string
  blenders?: NodeBlender[] // every Blender it has, the default first (blender-features.ts), told at hello with its devices
  /** Whether its Blender can denoise (blender-features.ts); undefined: not known, not said. */
  denoise?: boolean
  /** Blender's sandbox on this node (sandbox-probe.ts); null: none, as `said` tells the server. */
  sandbox?: { sandbox: Sandbox | null, said: NodeSandbox }
  /** Where the node's events go (fields: job, tasks, node, frames, project …); a pino logger by default. */
  log?: Log
  random?: () => number
}

const NO_EXIT: BlenderExit = { exitCode: null, signal: null, killed: false, seconds: 0 }

/** Raised when the server refuses the node for good (bad credential): stop and tell a person. */
export class NodeRefused extends Error {}

export class RenderNode {
  private readonly client: FarmClient
  private readonly log: Log
  private readonly random: () => number
  private readonly pacing: Pacing
  private session: string | null = null
  private welcome: FarmWelcome | null = null
  private readonly runs = new Set<ActiveRun>()
  private readonly slots: BlenderSlots
  private poll: AbortController | null = null
  /** done/failed messages on their way: the next poll waits for them, so it counts free processes right. */
  private readonly delivering = new Set<Promise<void>>()
  private readonly stopSignal = new AbortController()
  private stopping = false
  private tookWork = false
  private fatal: Error | null = null
  /** A node without the share: fetches job files, sends frames back (shipped-files.ts). */
  readonly shipper: Shipper | null

  constructor (readonly config: RenderNodeConfig, private readonly options: RenderNodeOptions) {
    this.client = farmClient(new ServerClient(config.server, config.credential))
    this.log = options.log ?? createLogger({ name: 'node', level: config.logLevel })
    this.random = options.random ?? Math.random
    this.pacing = new Pacing(() => this.welcome, this.random, this.stopSignal.signal)
    this.slots = new BlenderSlots(config, options.sandbox?.sandbox ?? null, this.log, () => this.stopping)
    this.shipper = config.noShare ? new Shipper({ ...config, node: config.name, client: this.client, session: () => this.session }) : null
  }

  /** Whether the server handed this node any work (a single-use node that got none exits with its own status). */
  get didWork (): boolean { return this.tookWork }

  /** Runs until stop() (or, for a single-use node, until its work is done). Rejects with NodeRefused. */
  async run (): Promise<void> {
    if (this.config.jitterSeconds > 0) await this.pacing.sleep(this.random() * this.config.jitterSeconds * 1000)
    let emptyPolls = 0
    while (!this.stopping) {
      if (!this.session) {
        await this.hello()
        continue
      }
      if (this.config.singleUse && this.tookWork && this.runs.size === 0) break
      if (this.delivering.size > 0) await Promise.race([Promise.allSettled(this.delivering), this.pacing.sleep(2000)])
      const free = this.config.singleUse && this.tookWork ? 0 : this.slots.free.length
      const poll = new AbortController()
      this.poll = poll
      try {
        // The welcome came with the session: it says how long the server holds a poll.
        const held = this.welcome!.longPollSeconds * 1000 + HELD_MARGIN_MS
        const work = await this.client.farmWork({ node: this.config.name, session: this.session, free, running: this.refs(), wait: true }, { signal: poll.signal, timeoutMs: held })
        this.pacing.answered()
        for (const ref of work.cancel) this.cancelMatching(ref, 'the server asked to stop it')
        for (const task of work.runs) this.start(task)
        if (work.runs.length > 0) this.tookWork = true
        // A single-use node started for work that is gone by now leaves after one empty poll.
        if (this.config.singleUse && !this.tookWork && ++emptyPolls >= 1) break
      } catch (err) {
        if (!poll.signal.aborted) await this.trouble(err, 'asking for work')
      } finally {
        if (this.poll === poll) this.poll = null
      }
    }
    await this.shutdown()
    if (this.fatal) throw this.fatal
  }

  /** Kills every Blender, signs off and ends run(). */
  async stop (): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    this.stopSignal.abort()
    this.poll?.abort()
    for (const run of this.runs) {
      run.cancelled = true
      run.blender?.kill()
    }
    void this.slots.killAll()
  }

  private async shutdown (): Promise<void> {
    this.stopping = true
    for (const run of this.runs) {
      run.cancelled = true
      run.blender?.kill()
    }
    const sessionsGone = this.slots.killAll()
    await Promise.all([...[...this.runs].map((r) => r.blender instanceof BlenderSession ? r.blender.process.exited : r.blender?.exited), sessionsGone])
    if (this.session) {
      await this.client.farmBye({ node: this.config.name, session: this.session }, { timeoutMs: 2000 }).catch(() => {})
    }
    this.log.info({ node: this.config.name }, 'node stopped')
  }

  /** The server no longer knows our session: say hello again now (the held poll is dropped). */
  private lostSession (): void {
    this.session = null
    this.poll?.abort()
  }

  private refs (): RunRef[] {
    return [...this.runs].map((r) => ({ job: r.task.job, tasks: r.task.tasks }))
  }

  private async hello (): Promise<void> {
    try {
      const welcome = await this.client.farmHello({
        name: this.config.name,
        version: this.options.version,
        ...helloBlenders(this.options, this.config),
        provides: this.config.provides,
        shares: this.shipper ? [] : this.config.shares.names(),
        ...(this.shipper ? { noShare: true } : {}),
        processes: this.config.processes.length,
        singleUse: this.config.singleUse,
        ...(processesShareCores(this.config.processes) ? { sharedCores: true } : {}),
        ...(this.options.sandbox ? { sandbox: this.options.sandbox.said } : {}),
        ...(this.options.denoise === undefined ? {} : { denoise: this.options.denoise }),
        running: this.refs(),
      }, { signal: this.stopSignal.signal })
      this.session = welcome.session
      this.welcome = welcome
      this.pacing.answered()
      for (const ref of welcome.cancel) this.cancelMatching(ref, 'the server no longer wants it')
      this.log.info({ node: welcome.node, server: this.config.server, processes: this.config.processes.length }, 'connected to the server')
      if (welcome.noWork) this.log.warn({ node: welcome.node, reason: welcome.noWork }, 'the server gives this node no work')
      if (this.runs.size === 0) this.slots.fillReady()
    } catch (err) {
      if (!this.stopping) await this.trouble(err, 'saying hello')
    }
  }

  /** What to do after a failed request: hello again, give up for good, or wait (backing off). */
  private async trouble (err: unknown, what: string): Promise<void> {
    if (err instanceof ServerError) {
      if (err.code === 'RFAM_NODE_SESSION') {
        this.lostSession()
        return
      }
      if (err.code === 'RFAM_NODE_NAME_TAKEN') {
        const wait = Math.max(this.pacing.backoff(), 5000)
        this.log.warn({ node: this.config.name, reason: err.message, retrySeconds: Math.round(wait / 1000) }, 'node name taken')
        await this.pacing.sleep(wait)
        return
      }
      if (err.status === 401 || err.status === 403 || (err.status === 400 && what === 'saying hello')) {
        this.fatal = new NodeRefused(`The server refuses this node: ${err.message}`)
        this.log.error({ node: this.config.name, reason: err.message }, 'the server refuses this node')
        await this.stop()
        return
      }
    }
    const wait = this.pacing.backoff()
    this.log.warn({ node: this.config.name, reason: describeCallError(err), retrySeconds: Math.round(wait / 100) / 10 }, `trouble ${what}`)
    await this.pacing.sleep(wait)
  }

  // ---- runs ------------------------------------------------------------------------------------

  private start (task: FarmTask): void {
    if (!this.shipper) return this.launch(task, null, this.config.shares)
    // Without the share the job's files come first; the run holds a process slot meanwhile.
    const run = this.newRun(task, this.slots.free.shift() ?? -1)
    this.scheduleHeartbeat(run)
    void this.shipper.place(task).then((shipped) => {
      this.log.info({ ...this.ids(task), fetched: shipped.fetched, bytes: shipped.bytes }, 'job files ready')
      if (run.heartbeat) clearTimeout(run.heartbeat)
      this.slots.release(run.slot, null, true)
      if (run.cancelled) return this.finish(run, { exitCode: null, signal: null, killed: true, seconds: 0 })
      this.launch(task, run, shipped.shares, shipped.serverRoot)
    }, (err: Error) => this.finish(run, NO_EXIT, err instanceof RunRefused ? err.said : say('noderun:fetch-failed', { reason: err.message })))
  }

  private launch (task: FarmTask, pending: ActiveRun | null, shares: RenderNodeConfig['shares'], alias?: string): void {
    let paths: RunPlace
    try {
      paths = { ...placeOfRun(task, shares), ...(alias ? { alias } : {}) }
      runBlender(task, this.config) // a Blender the node does not have is refused like a path
    } catch (err) {
      const run = pending ?? this.newRun(task, this.slots.free.shift() ?? -1)
      if (pending) run.slot = this.slots.free.shift() ?? -1
      const why = err instanceof RunRefused ? err.said : say('noderun:unreachable', { file: task.file, reason: (err as Error).message })
      void this.finish(run, NO_EXIT, why)
      return
    }
    const plan = this.slots.take(task, paths)
    const run = pending ?? this.newRun(task, plan.slot)
    run.slot = plan.slot
    const { blender, exited, open } = this.slots.start(plan, task, paths, (frame) => this.written(run, frame))
    run.blender = blender
    this.log.info({ ...this.ids(task), ...(task.video ? { video: true } : {}), slot: plan.slot + 1, blender: open, blenderPid: run.blender.pid, executable: plan.run.blender, ...(plan.run.device ? { device: plan.run.device } : {}) }, 'rendering')
    this.scheduleHeartbeat(run)
    void exited.then((exit) => this.finish(run, exit))
  }

  private newRun (task: FarmTask, slot: number): ActiveRun {
    const run: ActiveRun = { task, slot, blender: null, pending: [], written: new Set(), cancelled: false, reporting: null, again: false, heartbeat: null, uploads: Promise.resolve() }
    this.runs.add(run)
    return run
  }

  private scheduleHeartbeat (run: ActiveRun): void {
    const seconds = this.welcome?.heartbeatSeconds ?? 10
    run.heartbeat = setTimeout(() => {
      void this.report(run)
      if (!run.cancelled) this.scheduleHeartbeat(run)
    }, this.pacing.jittered(seconds * 1000))
  }

  private written (run: ActiveRun, frame: WrittenFrame): void {
    if (run.cancelled || !run.task.frames.includes(frame.frame) || run.written.has(frame.frame)) return
    run.written.add(frame.frame)
    const preview = run.blender?.output.preview
    const reported = () => {
      // The file's name: the server counts the frame only once it finds that file on its share.
      run.pending.push({ frame: frame.frame, seconds: Math.max(0.001, Math.round(frame.seconds * 1000) / 1000), ...(frame.memoryMB !== undefined ? { memoryMB: frame.memoryMB } : {}), file: basename(frame.file) })
      run.output = basename(frame.file)
      if (preview && !this.shipper) run.preview = basename(preview)
      void this.report(run)
    }
    if (!this.shipper) return reported()
    // Without the share the frame goes to the server first (in order), then is reported.
    const shipper = this.shipper
    // A video's movie is complete only when Blender ends: sent once then (finishRun).
    if (run.task.video) { (run.movieFrames ??= []).push({ file: frame.file, reported }); return }
    run.uploads = run.uploads.then(() => shipper.upload(run.task, frame.file)).then(reported, (err: Error) => {
      run.written.delete(frame.frame)
      run.uploadProblem ??= refusal(err)
      this.log.error({ ...this.ids(run.task), frame: frame.frame, reason: err.message }, 'frame not sent')
    })
  }

  /** Sends frames written so far (one report at a time; more wait for the next). */
  private report (run: ActiveRun): Promise<void> {
    return sendReport(run, { node: this.config.name, session: () => this.session, client: this.client, cancel: (why) => this.cancel(run, why), lostSession: () => this.lostSession() })
  }

  private cancelMatching (ref: RunRef, why: string): void {
    for (const run of this.runs) if (run.task.job === ref.job && run.task.tasks.some((t) => ref.tasks.includes(t))) this.cancel(run, why)
  }

  private cancel (run: ActiveRun, why: string): void {
    if (run.cancelled) return
    run.cancelled = true
    run.blender?.kill()
    this.log.info({ ...this.ids(run.task), reason: why }, 'run stopped')
  }

  private finish (run: ActiveRun, exit: BlenderExit, problem?: Said): Promise<void> {
    const finishing = this.finishRun(run, exit, problem)
    this.delivering.add(finishing)
    return finishing.finally(() => this.delivering.delete(finishing))
  }

  private async finishRun (run: ActiveRun, exit: BlenderExit, problem?: Said): Promise<void> {
    if (run.heartbeat) clearTimeout(run.heartbeat)
    let delivered: FarmReportReply | null = null
    let rendered = false
    try {
      if (run.cancelled || exit.killed) return
      const movie = exit.exitCode === 0 ? run.movieFrames : undefined
      const notSent = (reason: string) => this.log.warn({ ...this.ids(run.task), reason }, 'preview not sent')
      if (movie?.length) await this.shipper!.uploadMovie(run.task, movie.at(-1)!.file, run.blender?.output.preview, notSent).then((preview) => { if (preview) run.preview = preview; movie.forEach((m) => m.reported()) }, (err: Error) => { problem ??= refusal(err) })
      await run.uploads
      await run.reporting
      problem ??= run.uploadProblem
      const missing = run.task.frames.filter((f) => !run.written.has(f))
      if (!problem && exit.exitCode === 0 && !exit.signal && missing.length === 0) {
        rendered = true
        const keep = this.config.singleUse || this.stopping ? 0 : this.config.keepBlenderSeconds
        if (run.blender instanceof BlenderSession) run.blender.idle(keep, () => { if (this.runs.size === 0) this.slots.fillReady() })
        const blenderKept = run.blender instanceof BlenderSession && keep > 0
        delivered = await deliver(this.delivery, this.about(run), 'done', (about) => this.client.farmDone({ ...about, frames: run.pending, seconds: Math.round(exit.seconds * 1000) / 1000, free: this.freeAfter(), ...(blenderKept ? { blenderKept } : {}), ...(run.output ? { output: run.output } : {}), ...(run.preview ? { preview: run.preview } : {}), ...missingField(run.blender?.output) }))
        this.log.info({ ...this.ids(run.task), seconds: Math.round(exit.seconds * 10) / 10 }, 'run finished')
        return
      }
      const output = run.blender?.output
      const said = problem ?? failureSentence({ exitCode: exit.exitCode, signal: exit.signal, missing, output: output!, blenderVersion: this.options.blenderVersion })
      const message = said.text
      this.log.error({ ...this.ids(run.task), reason: message }, 'run failed')
      const current = output?.current
      delivered = await deliver(this.delivery, this.about(run), 'failed', (about) => this.client.farmFailed({
        ...about,
        frames: run.pending,
        ...(missing[0] !== undefined ? { frame: missing[0] } : current !== null && current !== undefined ? { frame: current } : {}),
        exitCode: exit.exitCode,
        signal: exit.signal,
        free: this.freeAfter(),
        message: message.slice(0, 2000),
        ...(message.length <= 2000 ? { sentence: said.sentence } : {}),
        logTail: (output?.tail() ?? '').slice(-20000),
        ...missingField(output),
      }))
    } finally {
      this.runs.delete(run)
      this.shipper?.done(run.task.job)
      // A session that failed or was cancelled is not trusted with the next run.
      this.slots.release(run.slot, run.blender, rendered)
      // The reply to done/failed may bring the next runs for the free processes.
      for (const task of delivered?.runs ?? []) {
        this.tookWork = true
        if (!this.stopping) this.start(task)
      }
      if (this.runs.size === 0) this.slots.fillReady()
      // Otherwise ask again, with the process free: the server answers the held poll when it
      // gets done or failed (a poll it does not hold is dropped).
      const poll = this.poll
      if (!delivered) poll?.abort()
      // In case the poll reached the server after the done (no held poll to answer then).
      else if (poll) setTimeout(() => { if (this.poll === poll) poll.abort() }, 1000).unref()
    }
  }

  private get delivery (): DeliverContext {
    return { node: this.config.name, session: () => this.session, stopping: () => this.stopping, lostSession: () => this.lostSession(), pacing: this.pacing, log: this.log }
  }

  private about (run: ActiveRun) { return { job: run.task.job, tasks: run.task.tasks, ids: this.ids(run.task) } }

  /** A run's ids for the log. */
  private ids (task: FarmTask): { job: string, jobName: string, project: string, tasks: string[], node: string, frames: number[] } {
    return { job: task.job, jobName: task.name, project: task.project, tasks: task.tasks, node: this.config.name, frames: task.frames }
  }

  /** Processes free once the run being reported ends (a single-use node wants no more work). */
  private freeAfter (): number {
    return this.config.singleUse || this.stopping ? 0 : this.slots.free.length + 1
  }
}

/** Why a frame could not be sent: the node's own sentence, or the network's words inside one. */
function refusal (err: Error): Said {
  return err instanceof RunRefused ? err.said : say('job:fail-node', { reason: err.message })
}
