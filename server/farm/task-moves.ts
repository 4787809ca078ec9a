// Task moves: every way a task changes hands or counts a frame — handed out (assign), claimed back
// by the node that still renders it, queued again, failed (retried elsewhere, blocklisting a node
// that fails a job too often), frames written — with the runtime's counters kept in step. Each
// move goes through the state machine and is recorded in a Changes, which the farm writes to the
// journal before any reply that depends on it leaves (farm.ts: commit). The node protocol
// (node-protocol.ts, run-reports.ts) decides which moves a message calls for; this module does them.
import type { FarmFailed, FarmReport, FarmTask, RunRef, Task } from '../../schemas/generated/types.ts'
import type { FarmSettings } from '../config/load-config.ts'
import type { Clock } from './clock.ts'
import { say } from '../../common/sentences.ts'
import type { FarmDeps } from './farm-deps.ts'
import type { JobRuntime } from './job-runtime.ts'
import { isFinished, type JobStateMachine } from './job-states.ts'
import type { NodeRegistry, NodeState } from './node-registry.ts'
import type { RenderStatsWriter } from './render-stats.ts'
import { shortFrames, type NodeCaps, type PlannedRun, type Scheduler } from './scheduler.ts'
import type { SingleUseArrivals } from './single-use-arrivals.ts'
import { runFields } from './node-fit.ts'

/** Job and task changes that must be on disk before a reply goes out. */
export class Changes {
  readonly jobs = new Map<JobRuntime, Set<number>>()
  /** What follows from the changes outside the job files (render statistics): done once they are on disk. */
  readonly after: Array<() => void> = []
  add (rt: JobRuntime, idxs: Iterable<number> = []): void {
    let set = this.jobs.get(rt)
    if (!set) this.jobs.set(rt, set = new Set())
    for (const i of idxs) set.add(i)
  }
}

/**
 * How long after its last report on a task (or being handed it) a node that went silent may claim
 * the task back, if nobody took it meanwhile: long enough for a long frame across a network outage.
 */
const CLAIM_BACK_MS = 3600_000
const LOG_TAIL_MAX = 20_000

/** The farm's parts a move touches. */
export interface TaskMovesParts {
  sm: JobStateMachine
  clock: Clock
  scheduler: Scheduler
  registry: NodeRegistry
  stats: RenderStatsWriter
  /** Something the nodes table shows changed (runs were handed out). */
  announceNodes: () => void
  arrivals: SingleUseArrivals
}

export class TaskMoves {
  private readonly sm: JobStateMachine
  private readonly clock: Clock
  private readonly scheduler: Scheduler
  private readonly registry: NodeRegistry
  private readonly stats: RenderStatsWriter
  private readonly announceNodes: () => void
  private readonly arrivals: SingleUseArrivals

  constructor (private readonly deps: FarmDeps, parts: TaskMovesParts) {
    this.sm = parts.sm
    this.clock = parts.clock
    this.scheduler = parts.scheduler
    this.registry = parts.registry
    this.stats = parts.stats
    this.announceNodes = parts.announceNodes
    this.arrivals = parts.arrivals
  }

  private get settings (): FarmSettings { return this.deps.settings }

  /**
   * A task queued again because its node went silent: that node (and no other) may take it back
   * if it still renders it, comes back soon enough, and nobody was given the task meanwhile.
   */
  mayClaimBack (rt: JobRuntime, task: Task, state: NodeState): boolean {
    if (task.lastNode !== state.record.name || !this.claimable(rt, state)) return false
    const last = Math.max(Date.parse(task.assignedAt ?? '') || 0, Date.parse(task.lastReport ?? '') || 0)
    return this.clock.now() - last <= CLAIM_BACK_MS
  }

  private claimable (rt: JobRuntime, state: NodeState): boolean {
    return !isFinished(rt.job.status) && this.scheduler.fits(rt, state.caps)
  }

  /** A node still renders a task the server had queued again (after a restart or a timeout): it keeps it. */
  claim (rt: JobRuntime, idx: number, state: NodeState, changes: Changes): void {
    const task = rt.task(idx)
    this.sm.moveTask(rt.job, task, 'active')
    task.node = state.record.name
    task.lastNode = state.record.name
    task.assignedAt ??= new Date(this.clock.now()).toISOString()
    rt.joinRun(state.record.name, idx, this.clock.now())
    this.sm.settle(rt.job)
    changes.add(rt, [idx])
  }

  /**
   * Queues an active task again. Only a node that went silent (`claimBack`) may take it back later;
   * one that gave it up itself (failed, signed off, restarted, told to stop) may not.
   */
  requeue (rt: JobRuntime, idx: number, changes: Changes, claimBack = false): void {
    const task = rt.task(idx)
    if (task.status !== 'active') return
    this.sm.moveTask(rt.job, task, 'queued')
    if (!claimBack) delete task.lastNode
    changes.add(rt, [idx])
  }

  /**
   * Compares the runs a node lists with what the server knows. Returns the runs it must stop;
   * their other tasks on this node are queued again. With `claim`, queued tasks it lists are
   * handed back to it.
   */
  reconcile (state: NodeState, listed: RunRef[], changes: Changes, claim: boolean): RunRef[] {
    const cancel: RunRef[] = []
    const me = state.record.name
    for (const ref of listed) {
      const rt = this.scheduler.jobs.get(ref.job)
      if (!rt) { cancel.push(ref); continue }
      let stop = false
      const mine: number[] = []
      for (const id of ref.tasks) {
        const idx = rt.taskIndex.get(id)
        if (idx === undefined) { stop = true; continue }
        const task = rt.task(idx)
        if (task.status === 'completed') continue
        if (task.status === 'active' && task.node === me) { mine.push(idx); continue }
        if (task.status === 'queued' && claim && this.mayClaimBack(rt, task, state)) {
          this.claim(rt, idx, state, changes)
          mine.push(idx)
          continue
        }
        if (task.status === 'queued' && !claim) continue
        stop = true
      }
      if (stop) {
        cancel.push(ref)
        for (const idx of mine) this.requeue(rt, idx, changes)
      }
    }
    return cancel
  }

  /** Runs the server gave this node that it does not list (a reply it never got): sent again. */
  resend (state: NodeState, listed: RunRef[]): FarmTask[] {
    const known = new Set(listed.flatMap((r) => r.tasks.map((t) => `${r.job}/${t}`)))
    const out: FarmTask[] = []
    for (const run of this.scheduler.runsOfNode(state.record.name)) {
      const lost = [...run.tasks].filter((idx) => !known.has(`${run.job.id}/${run.job.task(idx).id}`)).sort((a, b) => a - b)
      for (const group of consecutiveGroups(run.job, lost)) out.push(this.farmTask(run.job, group, state.caps))
    }
    return out
  }

  assignUpTo (state: NodeState, free: number, changes: Changes): FarmTask[] {
    const out: FarmTask[] = []
    for (let i = 0; i < free; i++) {
      const plan = this.scheduler.pick(state.caps)
      if (!plan) break
      this.assign(state, plan, changes)
      out.push(this.farmTask(plan.job, plan.tasks, state.caps, plan.frames))
      // One of the single-use nodes planned for the job has come (single-use-arrivals.ts).
      if (state.caps.singleUse && !(state.jobsTaken ??= new Set()).has(plan.job.id)) {
        state.jobsTaken.add(plan.job.id)
        this.arrivals.took(plan.job.id)
      }
    }
    if (out.length > 0) this.announceNodes()
    return out
  }

  private assign (state: NodeState, plan: PlannedRun, changes: Changes): void {
    const { job } = plan
    const at = new Date(this.clock.now()).toISOString()
    for (const idx of plan.tasks) {
      const task = job.task(idx)
      this.sm.moveTask(job.job, task, 'active')
      task.node = state.record.name
      task.lastNode = state.record.name
      task.attempts++
      task.assignedAt = at
    }
    job.startRun(state.record.name, plan.tasks, this.clock.now())
    this.sm.settle(job.job)
    changes.add(job, plan.tasks)
    this.deps.log.info({ job: job.id, project: job.project, tasks: plan.tasks.map((i) => job.task(i).id), node: state.record.name, frames: plan.frames }, 'run assigned')
    // Why earlier attempts at these frames did not count says nothing about this one.
    if (job.refused.size > 0) for (const f of plan.frames) job.refused.delete(f)
  }

  private farmTask (rt: JobRuntime, idxs: number[], node: NodeCaps, frames = rt.framesOf(idxs)): FarmTask {
    const { job } = rt
    // The node lets Blender see only this folder (its sandbox) and refuses paths leading out of it.
    const projectDir = this.deps.project(job.project)?.directory
    return {
      job: job.id,
      tasks: idxs.map((i) => job.tasks[i]!.id) as FarmTask['tasks'],
      name: job.name,
      project: job.project,
      ...(projectDir ? { projectDir } : {}),
      file: job.file,
      output: job.output ?? job.file.replace(/[^/]*$/, 'renders/####'),
      frames: frames as FarmTask['frames'],
      frameStep: job.frameStep,
      video: job.video,
      // Which of its Blenders the node runs, and on what device (node-fit.ts).
      ...runFields(job, node),
      ...(job.film ? { film: job.film } : {}),
    }
  }

  /** Records frames written; true when they show for the first time that the job's frames are short. */
  writeFrames (rt: JobRuntime, state: NodeState, frames: FarmReport['frames'], changes: Changes): boolean {
    const wasShort = shortFrames(rt)
    const at = new Date(this.clock.now()).toISOString()
    const me = state.record.name
    const touched = new Set<number>()
    for (const f of frames) {
      const idx = rt.taskOfFrame(f.frame)
      const task = rt.task(idx)
      if (task.status !== 'active' || task.node !== me) continue
      task.framesDone ??= []
      if (task.framesDone.includes(f.frame)) continue
      task.framesDone.push(f.frame)
      state.record.framesDone = (state.record.framesDone ?? 0) + 1
      task.samples ??= []
      task.samples.push({ frame: f.frame, seconds: f.seconds, ...(f.memoryMB !== undefined ? { memoryMB: f.memoryMB } : {}), node: me, at })
      const run = rt.runOfTask.get(idx)
      if (run) run.frameSeconds += f.seconds
      rt.frameWritten(f.frame, f.seconds, f.memoryMB)
      this.deps.log.info({ job: rt.id, project: rt.project, task: task.id, node: me, frame: f.frame, seconds: f.seconds }, 'frame rendered')
      const asset = rt.job.asset
      if (asset && !rt.job.video) changes.after.push(() => this.stats.frame(rt.project, asset, f.frame, { seconds: f.seconds, ...(f.memoryMB !== undefined ? { memoryMB: f.memoryMB } : {}), at, node: me }))
      touched.add(idx)
      if (task.framesDone.length === task.frames.length) {
        this.sm.moveTask(rt.job, task, 'completed')
        if (rt.job.video && rt.job.asset) {
          const seconds = task.samples.reduce((s, x) => s + x.seconds, 0)
          const asset = rt.job.asset
          changes.after.push(() => this.stats.video(rt.project, asset, { seconds, at, node: me }))
        }
      }
    }
    if (touched.size === 0) return false
    this.sm.settle(rt.job)
    changes.add(rt, touched)
    if (isFinished(rt.job.status)) changes.after.push(() => { void this.stats.flush() })
    return !wasShort && shortFrames(rt)
  }

  /** The first task fails (retried elsewhere, or failed for good); the others go back to the queue. */
  failTasks (rt: JobRuntime, state: NodeState, idxs: number[], msg: Pick<FarmFailed, 'frame' | 'exitCode' | 'message' | 'sentence' | 'logTail'> & { signal?: string | null }, changes: Changes): void {
    const me = state.record.name
    const byFrame = msg.frame !== undefined ? rt.taskOfFrame(msg.frame) : -1
    const failing = idxs.includes(byFrame) ? byFrame : idxs[0]!
    for (const idx of idxs) if (idx !== failing) this.requeue(rt, idx, changes)
    const task = rt.task(failing)
    delete task.lastNode // the node gave it up: a repeated failed is not a second failure
    const frame = msg.frame ?? rt.framesOf([failing])[0]
    task.failures ??= []
    task.failures.push({
      node: me,
      at: new Date(this.clock.now()).toISOString(),
      ...(frame !== undefined ? { frame } : {}),
      exitCode: msg.exitCode,
      message: msg.message,
      ...(msg.sentence ? { sentence: msg.sentence } : {}),
      logTail: msg.logTail.slice(-LOG_TAIL_MAX),
    })
    rt.errors++
    rt.noteFailure(failing, me)
    let blocked = false
    if ((rt.nodeFailures.get(me) ?? 0) >= this.settings.blocklistAfter && !rt.blocklist.has(me)) {
      rt.blocklist.add(me)
      rt.job.blocklist = [...rt.blocklist]
      blocked = true
      this.deps.log.warn({ job: rt.id, project: rt.project, node: me, failures: rt.nodeFailures.get(me) }, 'node failed this job too often and gets no more of it')
    }
    const tries = task.failures.length
    const nodesLeft = this.registry.knownFor(rt.group).filter((n) => !rt.blocklist.has(n))
    // The last error goes in as a value: pages put the failure's own sentence there, in their language.
    const error = msg.message.slice(0, 1500)
    if (tries > this.settings.maxRetries) {
      this.sm.moveTask(rt.job, task, 'failed')
      this.sm.settle(rt.job, frame !== undefined
        ? say('job:msg-frame-failed', { frame, tries, node: me, error })
        : say('job:msg-task-failed', { task: task.id, tries, node: me, error }))
    } else if (blocked && nodesLeft.length === 0) {
      this.sm.moveTask(rt.job, task, 'failed')
      this.sm.settle(rt.job, say('job:msg-no-node-left', { nodes: [...rt.blocklist].join(', '), error }))
    } else {
      this.sm.moveTask(rt.job, task, 'queued')
    }
    changes.add(rt, [failing])
    this.deps.log.warn({ job: rt.id, project: rt.project, task: task.id, node: me, frame, tries, retried: task.status === 'queued', reason: msg.message }, 'task failed')
  }

  /** Counts frames found on disk (no node reported them: no statistics); tasks with every frame are completed. */
  countFound (rt: JobRuntime, frames: number[], changes: Changes): void {
    const touched = new Set<number>()
    for (const frame of frames) {
      const idx = rt.taskOfFrame(frame)
      const task = rt.task(idx)
      if (task.status !== 'active' && task.status !== 'queued') continue
      task.framesDone ??= []
      if (task.framesDone.includes(frame)) continue
      task.framesDone.push(frame)
      touched.add(idx)
    }
    for (const idx of touched) {
      const task = rt.task(idx)
      if (task.framesDone!.length < task.frames.length) continue
      if (task.status === 'queued') this.sm.moveTask(rt.job, task, 'active')
      this.sm.moveTask(rt.job, task, 'completed')
    }
    // Frames were counted past the runtime's counters: they are counted again from the tasks.
    rt.resync(this.clock.now())
    this.sm.settle(rt.job)
    this.scheduler.refresh(rt)
    changes.add(rt, touched)
  }
}

/** Splits task indexes into runs whose frames follow each other (only a run's first task may be half done). */
function consecutiveGroups (rt: JobRuntime, idxs: number[]): number[][] {
  const groups: number[][] = []
  for (const idx of idxs) {
    const last = groups[groups.length - 1]
    const started = (rt.task(idx).framesDone?.length ?? 0) > 0
    if (last && last[last.length - 1] === idx - 1 && !started) last.push(idx)
    else groups.push([idx])
  }
  return groups
}
