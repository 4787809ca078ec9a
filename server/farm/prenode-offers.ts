// Prenodes (cluster watchers, prenode/): which jobs a prenode is offered, and its held polls.
// A job is offered to a prenode name until that name is in the job's `seenBy` (the prenode acks
// after its command ran), or again when single-use nodes left work of it behind and none of the
// nodes planned for it is still to come (single-use-arrivals.ts); only jobs that can still hand
// out work are offered, so a prenode started late never starts nodes for finished, cancelled or
// paused jobs (the original did). Each offer carries the run plan (run-plan.ts): how many
// single-use nodes each job can use at once, at most the prenode's maxNodes in all.
import type { FarmPrenodeJob, FarmPrenodeJobs } from '../../schemas/generated/types.ts'
import type { Clock } from './clock.ts'
import type { JobRuntime } from './job-runtime.ts'
import { isRunnable } from './job-states.ts'
import { planRuns } from './run-plan.ts'

export interface PrenodeAsk {
  name: string
  provides: ReadonlySet<string>
  maxNodes: number
}

/** What a prenode is offered: the jobs and the run plan's nodes in all. */
export type PrenodeOffer = Omit<FarmPrenodeJobs, 'longPollSeconds'>

/**
 * The jobs waiting for nodes that this prenode may serve and has not acted on (or is owed, see
 * above), oldest first, each with its nodes of the run plan.
 */
export function prenodeOffers (jobs: Iterable<JobRuntime>, ask: PrenodeAsk, owed: (prenode: string, job: string) => boolean = () => false): PrenodeOffer {
  const out: JobRuntime[] = []
  for (const rt of jobs) {
    const { job } = rt
    if (!isRunnable(job.status) || rt.queuedFrames <= 0) continue
    if (job.seenBy?.includes(ask.name) && !owed(ask.name, rt.id)) continue
    if (!job.requires.every((tag) => ask.provides.has(tag))) continue
    out.push(rt)
  }
  out.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))
  const plan = planRuns(out.map((rt) => ({ id: rt.id, video: rt.job.video, queuedTasks: rt.queuedTasks, queuedFrames: rt.queuedFrames, meanSeconds: rt.meanSeconds, overheadSeconds: rt.overheadSeconds })), ask.maxNodes)
  return {
    nodes: plan.total,
    jobs: out.map(({ job, queuedFrames }): FarmPrenodeJob => ({
      id: job.id,
      name: job.name,
      project: job.project,
      created: job.created,
      priority: job.priority,
      video: job.video,
      requires: [...job.requires],
      framesLeft: queuedFrames,
      nodes: plan.nodes.get(job.id) ?? 0,
    })),
  }
}

interface Waiter {
  ask: PrenodeAsk
  finish: (reply: FarmPrenodeJobs) => void
}

/** Held prenode polls: answered when a job for them shows up, at the timeout, or when the client goes. */
export class PrenodeWaiters {
  private readonly waiters = new Set<Waiter>()

  constructor (private readonly clock: Clock, private readonly offers: (ask: PrenodeAsk) => PrenodeOffer) {}

  hold (ask: PrenodeAsk, timeoutMs: number, aborted?: AbortSignal): Promise<FarmPrenodeJobs> {
    return new Promise((resolve) => {
      let timer: unknown = null
      const onAbort = () => w.finish({ jobs: [] })
      const w: Waiter = {
        ask,
        finish: (reply) => {
          if (!this.waiters.delete(w)) return
          if (timer !== null) this.clock.clearTimeout(timer)
          aborted?.removeEventListener('abort', onAbort)
          resolve(reply)
        },
      }
      this.waiters.add(w)
      timer = this.clock.setTimeout(() => w.finish({ jobs: [] }), timeoutMs)
      aborted?.addEventListener('abort', onAbort)
      if (aborted?.aborted) onAbort()
    })
  }

  /** Jobs may have become available: answer every held poll that now has some. */
  wake (): void {
    for (const w of [...this.waiters]) {
      const offer = this.offers(w.ask)
      if (offer.jobs.length > 0) w.finish(offer)
    }
  }

  /** The server stops: every held poll is answered (empty). */
  close (): void {
    for (const w of [...this.waiters]) w.finish({ jobs: [] })
  }

  get size (): number { return this.waiters.size }
}
