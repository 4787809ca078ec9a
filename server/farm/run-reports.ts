// What a render node says of its runs: frames written (report), a run finished (done) or broken
// (failed). The three share one opening: the node's session, the job, the tasks (a node speaks only
// for its own: 409 RFAM_NOT_YOUR_TASK), the frames (each of a task named, counted only when its
// file is on the share). done and failed bring the node's next runs in their reply. Part of the
// farm (farm.ts, the facade the routes call); the moves themselves are task-moves.ts.
import type { FarmDone, FarmFailed, FarmReport, FarmReportReply, FarmTask, Task } from '../../schemas/generated/types.ts'
import { badRequest, HttpError } from '../errors.ts'
import { say, sentenceFields, type Said } from '../../common/sentences.ts'
import type { FarmContext } from './farm-context.ts'
import type { JobRuntime, Run } from './job-runtime.ts'
import type { NodeState } from './node-registry.ts'
import { addPieces, missingWarnings } from './file-warnings.ts'
import { Changes } from './task-moves.ts'

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

export class RunReports {
  constructor (private readonly ctx: FarmContext) {}

  /**
   * What report, done and failed begin with: the node's session, the job, the tasks named (409 for
   * any that never was the node's; queued ones it still renders claimed back), every frame of one
   * of them, and which of those are on the share. Null when the node must stop that run (the job
   * is gone, or a task is no longer its to finish): the reply is then { cancel: true }.
   */
  private async opening (msg: FarmReport | FarmDone | FarmFailed, credential: string): Promise<Opening | null> {
    this.ctx.mustWrite()
    const state = this.ctx.registry.heardFrom(msg.node, msg.session, credential)
    const rt = this.ctx.scheduler.jobs.get(msg.job)
    if (!rt) return null
    const changes = new Changes()
    const own = this.ownTasks(rt, state, msg.tasks, changes)
    if (own.stop) {
      await this.ctx.commit(changes)
      return null
    }
    this.checkFrames(rt, msg.tasks, msg.frames)
    if (msg.missing?.length && addPieces(rt.job, msg.missing)) {
      // Before the frames: a job they complete then says what it rendered without.
      rt.job.updated = new Date(this.ctx.clock.now()).toISOString()
      changes.add(rt)
      changes.after.push(() => this.toAsset(rt))
    }
    const frames = await this.onShare(rt, state, msg.frames)
    return { state, rt, changes, mine: own.mine, frames }
  }

  async report (msg: FarmReport, credential: string): Promise<FarmReportReply> {
    const opening = await this.opening(msg, credential)
    if (!opening) return { cancel: true }
    const { state, rt, changes, mine, frames } = opening
    const now = this.ctx.clock.now()
    for (const idx of mine) rt.task(idx).lastReport = new Date(now).toISOString()
    const nowShort = this.ctx.moves.writeFrames(rt, state, frames, changes)
    await this.ctx.commit(changes)
    this.ctx.preview(rt, msg)
    // Short frames may use every process of a node whose processes share its cores (scheduler.ts).
    if (nowShort) this.ctx.wakeForWork()
    return { cancel: false }
  }

  async done (msg: FarmDone, credential: string): Promise<FarmReportReply> {
    const opening = await this.opening(msg, credential)
    if (!opening) return { cancel: true }
    const { state, rt, changes, mine, frames } = opening
    let run: Run | undefined
    for (const idx of mine) if ((run = rt.runOfTask.get(idx)) !== undefined) break
    const nowShort = this.ctx.moves.writeFrames(rt, state, frames, changes)
    // A run in a Blender that had the file loaded already says nothing about the start-up cost.
    const warmBefore = rt.warmNodes.has(state.record.name)
    if (run && !warmBefore) rt.noteRunOverhead(msg.seconds - run.frameSeconds)
    if (msg.blenderKept) rt.warmNodes.add(state.record.name)
    else rt.warmNodes.delete(state.record.name)
    // Blender said it finished, yet frames are missing (or not on the share): a failure, not a success.
    const missing = mine.filter((idx) => rt.task(idx).status === 'active' && rt.task(idx).node === state.record.name)
    if (missing.length > 0) {
      const left = rt.framesOf(missing)
      this.ctx.moves.failTasks(rt, state, missing, { frame: left[0], exitCode: 0, ...sentenceFields(missingMessage(rt, left)), logTail: '' }, changes)
    }
    const runs = this.nextRuns(state, msg.free ?? 0, changes)
    // A render that missed nothing clears what an earlier one of the asset rendered without.
    if (rt.job.status === 'completed') changes.after.push(() => this.toAsset(rt))
    await this.ctx.commit(changes)
    this.ctx.preview(rt, msg)
    if (missing.length > 0 || nowShort) this.ctx.wakeForWork()
    return this.replyWith(state, runs)
  }

  async failed (msg: FarmFailed, credential: string): Promise<FarmReportReply> {
    const opening = await this.opening(msg, credential)
    if (!opening) return { cancel: true }
    const { state, rt, changes, mine, frames } = opening
    this.ctx.moves.writeFrames(rt, state, frames, changes)
    rt.warmNodes.delete(state.record.name) // its Blender is gone
    const left = mine.filter((idx) => rt.task(idx).status === 'active' && rt.task(idx).node === state.record.name)
    if (left.length > 0) this.ctx.moves.failTasks(rt, state, left, msg, changes)
    const runs = this.nextRuns(state, msg.free ?? 0, changes)
    await this.ctx.commit(changes)
    this.ctx.waiters.tellCancels()
    this.ctx.wakeForWork()
    return this.replyWith(state, runs)
  }

  /** Writes what the job rendered without into its asset's sidecar (renderWarnings), when they differ. */
  private toAsset (rt: JobRuntime): void {
    const { asset, project } = rt.job
    const update = this.ctx.deps.updateAsset
    if (!asset || !update) return
    const warnings = missingWarnings(rt.job)
    void update(project, asset, (meta) => {
      if (JSON.stringify(meta.renderWarnings ?? []) === JSON.stringify(warnings)) return meta
      if (warnings.length > 0) meta.renderWarnings = warnings
      else delete meta.renderWarnings
      return meta
    }).catch((err: unknown) => this.ctx.deps.log.warn({ project, asset, job: rt.job.id, err }, 'could not note in the asset what its render missed'))
  }

  /**
   * After done or failed: new runs for the processes the node says are free, in the same reply
   * (one request per run instead of three). Without new runs, or when the node's held poll asked
   * for work itself, that poll is answered so the node asks again with the right count.
   */
  private nextRuns (state: NodeState, free: number, changes: Changes): FarmTask[] {
    // A done or failed sent again (its reply timed out) says free once more: the runs the first
    // one brought count as busy, so no process gets two.
    const idle = Math.min(free, state.record.processes - this.ctx.scheduler.runsOfNode(state.record.name).length)
    return !state.record.paused && idle > 0 && !this.ctx.closed ? this.ctx.moves.assignUpTo(state, idle, changes) : []
  }

  private replyWith (state: NodeState, runs: FarmTask[]): FarmReportReply {
    if (runs.length === 0 || (state.waiter && state.waiter.free > 0)) this.ctx.waiters.endHeldPoll(state)
    return runs.length > 0 ? { cancel: false, runs } : { cancel: false }
  }

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
      else if (task.status === 'queued' && this.ctx.moves.mayClaimBack(rt, task, state)) claims.push(idx)
      else if (task.status !== 'completed') stop = true
    }
    for (const idx of claims) this.ctx.moves.claim(rt, idx, state, changes)
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
    const { counted, refused } = await this.ctx.frameFiles.check(rt.job, (f) => rt.task(rt.taskOfFrame(f)), frames)
    if (rt.refused.size > 0) for (const f of counted) rt.refused.delete(f.frame)
    if (refused.length === 0) return counted
    for (const r of refused) rt.refused.set(r.frame, r.why)
    this.ctx.deps.log.warn({ job: rt.id, project: rt.project, node: state.record.name, frames: refused.map((r) => r.frame), reason: refused[0]!.why }, 'frames reported written do not count: their files are not on the share')
    return counted
  }
}

/** A node naming a task that is not its own. */
function notYourTask (rt: JobRuntime, task: Task, node: string): HttpError {
  return new HttpError(409, 'RFAM_NOT_YOUR_TASK', task.status === 'active'
    ? `Task ${task.id} of job "${rt.job.name}" is being rendered by node "${task.node}", not by "${node}"; a node may only report on its own tasks.`
    : `Task ${task.id} of job "${rt.job.name}" was not handed to node "${node}"; a node may only report on its own tasks.`)
}

/** Why a run Blender finished left frames undone: their files were not on the share, or Blender never wrote them. */
function missingMessage (rt: JobRuntime, frames: number[]): Said {
  const list = (xs: number[]) => `${xs.slice(0, 10).join(', ')}${xs.length > 10 ? ', …' : ''}`
  const refused = frames.filter((f) => rt.refused.has(f))
  if (refused.length === 0) return say(frames.length === 1 ? 'job:fail-not-written-one' : 'job:fail-not-written', { frames: list(frames) })
  const reason = rt.refused.get(refused[0]!) ?? ''
  return say(refused.length === 1 ? 'job:fail-not-on-share-one' : 'job:fail-not-on-share', { frames: list(refused), reason })
}
