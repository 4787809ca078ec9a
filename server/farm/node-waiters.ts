// Render nodes' held work requests (long polls), and the stops the server owes them. A node's poll
// is held open until it has something: runs to stop, or new work for its free processes (the farm
// offers it when jobs arrive, nodes resume or runs end), or the long poll ends. A task the server
// takes from a node (cancelled, its job failed) is noted here until that node is told: by its held
// poll at once, or by its next request. The prenodes' held polls are in prenode-offers.ts.
import type { FarmTask, FarmWork, RunRef, Task } from '../../schemas/generated/types.ts'
import type { Clock } from './clock.ts'
import type { JobRuntime } from './job-runtime.ts'
import type { NodeState } from './node-registry.ts'

/** A held poll, as the farm sees it when it offers work. */
export interface HeldPoll {
  node: NodeState
  free: number
  /** The runs the node listed in it. */
  listed: RunRef[]
}

/** What a held poll is answered with, once `written` (its changes on disk) resolves. */
export interface Offer {
  cancel: RunRef[]
  runs: FarmTask[]
  written: Promise<void>
}

interface Waiter extends HeldPoll {
  /** Work was taken for this poll (its reply is on the way): no second offer. */
  claimed: boolean
  finish: (reply: FarmWork) => void
  fail: (err: unknown) => void
}

export class NodeWaiters {
  private readonly waiters = new Set<Waiter>()
  /** Tasks the server stopped, per node, not yet told to it (job id -> task ids). */
  private readonly pendingCancels = new Map<string, Map<string, Set<string>>>()

  /** `offer`: what a held poll gets now; null while it has nothing (it stays held). */
  constructor (private readonly clock: Clock, private readonly offer: (poll: HeldPoll) => Offer | null) {}

  /**
   * Holds a node's work request open for up to `timeoutMs`; `aborted` is its connection closing
   * from the node's end, which calls `closed` (unless the poll was answered already).
   */
  hold (state: NodeState, free: number, listed: RunRef[], timeoutMs: number, closed: () => void, aborted?: AbortSignal): Promise<FarmWork> {
    return new Promise<FarmWork>((resolve, reject) => {
      let ended = false
      let timer: unknown = null
      const handle = { cancel: () => w.finish(emptyWork(state)), free }
      const onAbort = () => {
        if (!ended) closed()
        w.finish(emptyWork(state))
      }
      const end = (): boolean => {
        if (ended) return false
        ended = true
        this.waiters.delete(w)
        if (timer !== null) this.clock.clearTimeout(timer)
        if (state.waiter === handle) state.waiter = null
        aborted?.removeEventListener('abort', onAbort)
        return true
      }
      const w: Waiter = {
        node: state,
        free,
        listed,
        claimed: false,
        finish: (reply) => { if (end()) resolve(reply) },
        fail: (err) => { if (end()) reject(err) },
      }
      state.waiter?.cancel()
      state.waiter = handle
      this.waiters.add(w)
      timer = this.clock.setTimeout(() => w.finish(emptyWork(state)), timeoutMs)
      aborted?.addEventListener('abort', onAbort)
      if (aborted?.aborted) onAbort()
    })
  }

  /**
   * A run of this node ended: its held poll (which counted that run as busy) is answered, so the
   * node asks again with the process free, without dropping a connection.
   */
  endHeldPoll (state: NodeState): void {
    state.waiter?.cancel()
  }

  /** Re-checks a node's held poll: something to cancel, or (when it has room) new work. */
  wake (state: NodeState): void {
    for (const w of this.waiters) if (w.node === state) this.try(w)
  }

  /** New work may be available: offered to the held polls with room (longest waiting first) while `hasWork`. */
  offerWork (hasWork: () => boolean): void {
    for (const w of [...this.waiters]) {
      if (!hasWork()) return
      if (w.free > 0 && !w.node.record.paused) this.try(w)
    }
  }

  /** Tasks were taken from nodes: their held polls are answered with the cancels now. */
  tellCancels (): void {
    for (const w of [...this.waiters]) if (this.pendingCancels.has(w.node.record.name)) this.try(w)
  }

  /** The server stops: every held poll is answered (empty). */
  close (): void {
    for (const w of [...this.waiters]) w.finish(emptyWork(w.node))
  }

  private try (w: Waiter): void {
    if (w.claimed) return
    const offer = this.offer(w)
    if (!offer) return
    w.claimed = true
    offer.written.then(
      () => w.finish({ runs: offer.runs, cancel: offer.cancel, paused: w.node.record.paused }),
      (err: unknown) => w.fail(err)
    )
  }

  /** The server took this task from this node: the node is told to stop it. */
  noteCancel (node: string, job: string, task: string): void {
    let jobs = this.pendingCancels.get(node)
    if (!jobs) this.pendingCancels.set(node, jobs = new Map())
    let tasks = jobs.get(job)
    if (!tasks) jobs.set(job, tasks = new Set())
    tasks.add(task)
  }

  /** The runs this node must stop that it has not been told of yet (and forgets them). */
  takeCancels (state: NodeState): RunRef[] {
    const jobs = this.pendingCancels.get(state.record.name)
    if (!jobs) return []
    this.pendingCancels.delete(state.record.name)
    return [...jobs].map(([job, tasks]) => ({ job, tasks: [...tasks] as RunRef['tasks'] }))
  }

  /** The node starts afresh (hello) or signs off: nothing is owed to it any more. */
  forgetCancels (node: string): void {
    this.pendingCancels.delete(node)
  }

  /** The job was put back as it is on disk: a stop owed to a node is void for a task that is that node's again. */
  dropVoidCancels (rt: JobRuntime): void {
    for (const [node, jobs] of this.pendingCancels) {
      const tasks = jobs.get(rt.id)
      if (!tasks) continue
      for (const id of [...tasks]) {
        const task = rt.task(rt.taskIndex.get(id) ?? -1) as Task | undefined
        if (task?.status === 'active' && task.node === node) tasks.delete(id)
      }
      if (tasks.size === 0) jobs.delete(rt.id)
      if (jobs.size === 0) this.pendingCancels.delete(node)
    }
  }
}

function emptyWork (state: NodeState): FarmWork {
  return { runs: [], cancel: [], paused: state.record.paused }
}
