// The node protocol (docs/farm-protocol.md): a render node's hello, its work requests (held open
// until there is work, node-waiters.ts), its sign-off, and the timeouts that give up a node gone
// silent. What a node says of its runs (report, done, failed) is run-reports.ts; the task moves
// either calls for are task-moves.ts. Part of the farm (farm.ts, the facade the routes call).
import type { FarmBye, FarmHello, FarmWelcome, FarmWork, FarmWorkRequest, RunRef } from '../../schemas/generated/types.ts'
import type { FarmSettings } from '../config/load-config.ts'
import { HttpError } from '../errors.ts'
import type { FarmContext } from './farm-context.ts'
import { expiredNodes } from './node-arrays.ts'
import type { NodeState } from './node-registry.ts'
import type { HeldPoll, Offer } from './node-waiters.ts'
import { noWorkReason } from './sandbox-policy.ts'
import { Changes } from './task-moves.ts'

const JITTER = 0.1
const BACKOFF_FACTOR = 2
/**
 * Longest wait between a node's retries: short, so a server back after an outage has its nodes
 * back within seconds; at most half the nodeGoneSeconds grace, so a live node whose held request
 * broke is back before it could be taken as gone.
 */
const BACKOFF_MAX_SECONDS = 5

export class NodeProtocol {
  private arraysCheckedAt = -Infinity

  constructor (private readonly ctx: FarmContext) {}

  private get settings (): FarmSettings { return this.ctx.deps.settings }

  heartbeatSeconds (): number {
    let online = 0
    for (const s of this.ctx.registry.nodes.values()) if (s.online) online++
    // Rate control: many nodes report less often, so the server sees at most ~200 heartbeats a second.
    return Math.max(this.settings.heartbeatSeconds, online / 200)
  }

  longPollSeconds (): number {
    return Math.min(this.settings.longPollSeconds, this.settings.nodeTimeoutSeconds / 3)
  }

  async hello (msg: FarmHello, credential: string): Promise<FarmWelcome> {
    this.ctx.mustWrite()
    const { state, session, rebound } = await this.ctx.registry.hello(msg, credential)
    this.ctx.waiters.forgetCancels(state.record.name)
    const listed = new Set((msg.running ?? []).flatMap((r) => r.tasks.map((t) => `${r.job}/${t}`)))
    const changes = new Changes()
    let requeued = false
    // Work the server thought this node had but the node does not list was lost with it (it
    // restarted). A name staff freed for another credential keeps nothing of the old node's.
    for (const run of this.ctx.scheduler.runsOfNode(state.record.name)) {
      for (const idx of [...run.tasks]) {
        if (listed.has(`${run.job.id}/${run.job.task(idx).id}`) && !rebound) continue
        this.ctx.moves.requeue(run.job, idx, changes)
        requeued = true
      }
    }
    const cancel = this.ctx.moves.reconcile(state, msg.running ?? [], changes, !rebound)
    await this.ctx.commit(changes)
    if (requeued) this.ctx.wakeForWork()
    this.ctx.announceNodes()
    this.ctx.deps.log.info({ node: state.record.name, processes: msg.processes, shares: msg.shares, provides: msg.provides, version: msg.version }, 'node said hello')
    const noWork = noWorkReason(state.record, this.settings.allowUnsandboxedNodes)
    if (noWork) this.ctx.deps.log.warn({ node: state.record.name, reason: noWork }, 'node gets no work')
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
    if (this.ctx.closed) throw new HttpError(503, 'RFAM_CLOSING', 'The server is stopping; try again in a moment.')
    this.ctx.mustWrite()
    const state = this.ctx.registry.heardFrom(msg.node, msg.session, credential)
    const poll = this.ctx.registry.polled(state)
    const changes = new Changes()
    const cancel = mergeRefs(this.ctx.moves.reconcile(state, msg.running, changes, true), this.ctx.waiters.takeCancels(state))
    const runs = this.ctx.moves.resend(state, msg.running)
    if (cancel.length === 0 && runs.length === 0 && !state.record.paused && msg.free > 0) runs.push(...this.ctx.moves.assignUpTo(state, msg.free, changes))
    await this.ctx.commit(changes)
    if (cancel.length > 0 || runs.length > 0 || msg.wait === false) return { runs, cancel, paused: state.record.paused }
    // A node that died closed it; one that gave it up asks again at once (sweep decides).
    const closed = () => { if (!this.ctx.closed) this.ctx.registry.pollClosed(state, poll) }
    return await this.ctx.waiters.hold(state, msg.free, msg.running, this.longPollSeconds() * 1000, closed, aborted)
  }

  /** What a held poll gets when the farm re-checks it: runs to stop, or (with room) new runs; null for nothing yet. */
  offerHeld (poll: HeldPoll): Offer | null {
    if (this.ctx.readOnly) return null
    const changes = new Changes()
    const cancel = mergeRefs(this.ctx.moves.reconcile(poll.node, poll.listed, changes, false), this.ctx.waiters.takeCancels(poll.node))
    const runs = cancel.length === 0 && !poll.node.record.paused && poll.free > 0 ? this.ctx.moves.assignUpTo(poll.node, poll.free, changes) : []
    if (cancel.length === 0 && runs.length === 0) {
      if (changes.jobs.size > 0) void this.ctx.commit(changes).catch(() => {}) // refused: put back, and logged by the store
      return null
    }
    return { cancel, runs, written: this.ctx.commit(changes) }
  }

  /** A node signing off: its tasks are queued again now, not after the timeout. */
  async bye (msg: FarmBye, credential: string): Promise<void> {
    this.ctx.mustWrite()
    const state = this.ctx.registry.heardFrom(msg.node, msg.session, credential)
    const changes = new Changes()
    for (const run of this.ctx.scheduler.runsOfNode(state.record.name)) for (const idx of [...run.tasks]) this.ctx.moves.requeue(run.job, idx, changes)
    this.ctx.registry.offline(state)
    this.ctx.waiters.forgetCancels(state.record.name)
    await this.ctx.commit(changes)
    await this.singleUseGone(state)
    this.ctx.announceNodes()
    this.ctx.wakeForWork()
    this.ctx.deps.log.info({ node: state.record.name }, 'node signed off')
  }

  /**
   * Nodes silent for longer than nodeTimeoutSeconds, and those whose held request closed from their
   * end with nothing from them since for nodeGoneSeconds (killed), lose their tasks to the queue.
   */
  async sweep (): Promise<void> {
    if (this.ctx.readOnly) return // nobody can report meanwhile: nobody times out
    await this.dropOldArrays()
    const { nodeTimeoutSeconds, nodeGoneSeconds } = this.settings
    const gone = [
      ...this.ctx.registry.timedOut(nodeTimeoutSeconds * 1000).map((state) => ({ state, why: `has not been heard from for ${nodeTimeoutSeconds} s` })),
      ...this.ctx.registry.closedGone(nodeGoneSeconds * 1000).map((state) => ({ state, why: `closed its request for work and sent nothing for ${nodeGoneSeconds} s (stopped, killed or crashed)` })),
    ]
    if (gone.length === 0) return
    const changes = new Changes()
    for (const { state, why } of gone) {
      const requeued: Array<{ job: string, task: string }> = []
      for (const run of this.ctx.scheduler.runsOfNode(state.record.name)) {
        for (const idx of [...run.tasks]) {
          this.ctx.moves.requeue(run.job, idx, changes, true) // it may still be rendering: it may claim them back
          requeued.push({ job: run.job.id, task: run.job.task(idx).id })
        }
      }
      this.ctx.deps.log.warn({ node: state.record.name, reason: why, requeued }, 'node given up: its tasks are queued again')
    }
    await this.ctx.commit(changes)
    for (const { state } of gone) await this.singleUseGone(state)
    this.ctx.announceNodes()
    this.ctx.wakeForWork()
  }

  /** At most once a minute: finished single-use nodes of arrays finished long ago are forgotten (node-arrays.ts). */
  private async dropOldArrays (): Promise<void> {
    const now = this.ctx.clock.now()
    if (now - this.arraysCheckedAt < 60_000) return
    this.arraysCheckedAt = now
    const old = expiredNodes(this.ctx.registry.nodes.values(), now)
    if (old.length === 0) return
    await this.ctx.registry.drop(old)
    this.ctx.deps.log.info({ count: old.length, nodes: old.slice(0, 20) }, 'finished single-use nodes forgotten')
    this.ctx.announceNodes()
  }

  /**
   * A single-use node went away (it never comes back): its record says when. Work of the jobs it
   * took that is queued again is left behind, for its prenode to start nodes for once none of the
   * nodes planned is still to come; one that took nothing was a planned node come for nothing.
   */
  private async singleUseGone (state: NodeState): Promise<void> {
    if (!state.caps.singleUse) return
    const { jobs } = this.ctx.scheduler
    const taken = state.jobsTaken
    state.jobsTaken = undefined
    if (!taken?.size) {
      this.ctx.arrivals.leftEmpty((id) => { const rt = jobs.get(id); return rt !== undefined && this.ctx.scheduler.fits(rt, state.caps) })
    } else {
      for (const id of taken) if ((jobs.get(id)?.queuedTasks ?? 0) > 0) this.ctx.arrivals.left(id)
    }
    await this.ctx.registry.finished(state)
  }
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
