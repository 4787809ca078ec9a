// Picks the next run for a node, from memory only.
//
// 1. Only jobs the node may take: queued or active (not paused), their file's share among the
//    node's shares, their `requires` among its `provides`, the node not blocklisted for the job.
// 2. Fair across projects: the project with the highest renderPriority / (0.1 + runs in flight)
//    wins (the original's weights, drawn deterministically; ties are broken by the injected
//    random source), so a project of priority 2 gets about twice the nodes of a project of 1.
// 3. Within the project: a job with nothing handed out yet first (its first frame goes out fast,
//    catching a broken file early and measuring the frame time), a job whose runs have written
//    nothing yet last; then higher job priority, then the job with the fewest runs for its weight
//    (slow frames, measured, weigh less), then the oldest.
// 4. The run: the next task in the job's dispatch order (its first frame first, then in order or
//    spread), grown with neighbouring tasks so one Blender renders several consecutive frames,
//    starting with that task. Its size follows guided self-scheduling: the frames left divided by
//    the process slots that can take the job, at least enough frames that start-up stays under
//    5 % of the run (unless the node's Blender has the file loaded already), at most
//    MAX_RUN_SECONDS of measured work (so a new, more urgent job waits at most that long), at most
//    UNKNOWN_RUN_FRAMES before any is measured.
// 5. A node whose processes share its cores (each uses them all) renders a job in one Blender at a
//    time unless its frames are measured short (under ONE_BLENDER_FRAME_SECONDS): one Blender
//    already keeps every core busy on a long frame, and a second one of the same job only competes
//    for them (2–5 % slower per frame, measured). Short frames still use every process: there a
//    second Blender fills the cores while the first loads, syncs or saves a frame on one core.
// 6. Blenders and devices (node-fit.ts): only nodes with a Blender that opens the file (or the
//    pinned one), GPU jobs only on GPU nodes; a GPU node looks at GPU jobs first and takes other
//    work only when none of those is there for it.
import type { NodeBlender } from '../../schemas/generated/types.ts'
import type { JobRuntime, Run } from './job-runtime.ts'
import { isRunnable } from './job-states.ts'
import { mayTake, nodeFits } from './node-fit.ts'

export const MAX_RUN_SECONDS = 600
/** Largest run while a job's frame time is still unknown. */
export const UNKNOWN_RUN_FRAMES = 50
/** Start-up cost allowed per run, as a share of the run. */
export const OVERHEAD_SHARE = 0.05
/** Frames at least this long (or not measured yet) run in one Blender at a time on a node whose processes share its cores. */
export const ONE_BLENDER_FRAME_SECONDS = 2

export interface NodeCaps {
  name: string
  shares: ReadonlySet<string>
  /** It mounts no share: it fetches each job's files (shipping.ts), so any share is its. */
  noShare?: boolean
  provides: ReadonlySet<string>
  processes: number
  /** Takes one round of work and leaves (a cluster node): it will not come back for more. */
  singleUse?: boolean
  /** Its processes each use all its cores (FarmHello.sharedCores). */
  sharedCores?: boolean
  /** Its Blenders, default first (empty: it did not say). */
  blenders: readonly NodeBlender[]
  /** It has a GPU among its devices. */
  gpu: boolean
}

/** Whether a node reaches a job's file: through the share, or by fetching it (no share). */
export function canShip (node: Pick<NodeCaps, 'shares' | 'noShare'>, share: string): boolean {
  return node.shares.has(share) || node.noShare === true
}

export interface PlannedRun {
  job: JobRuntime
  tasks: number[]
  frames: number[]
}

export interface SchedulerDeps {
  /** Render priority of a project (its weight in the fair share); 1 when unknown. */
  projectPriority: (project: string) => number
  random: () => number
  /** Nodes that could take a job of this group now (online, not paused), for run sizes and retries. */
  eligibleNodes: (group: string) => { nodes: number, slots: number }
  /** Single-use nodes a prenode started for this job that have not taken a run yet (single-use-arrivals.ts). */
  singleUseComing?: (job: string) => number
  /** A node started or ended a run (what the nodes table shows as Rendering or Waiting). */
  runsChanged?: () => void
}

export class Scheduler {
  readonly jobs = new Map<string, JobRuntime>()
  /** Jobs that may hand out work (runnable status and something queued), by project. */
  private readonly runnable = new Map<string, Set<JobRuntime>>()
  private readonly projectRuns = new Map<string, number>()
  private readonly nodeRuns = new Map<string, Set<Run>>()
  /** Runnable jobs that ask for a GPU (GPU nodes look at them first). */
  private readonly runnableGpu = new Set<JobRuntime>()

  constructor (private readonly deps: SchedulerDeps) {}

  add (job: JobRuntime): void {
    this.jobs.set(job.id, job)
    for (const run of job.runs) this.counted(run, 1)
    job.onRun = (run, delta) => this.counted(run, delta)
    this.refresh(job)
  }

  remove (job: JobRuntime): void {
    for (const run of job.runs) this.counted(run, -1)
    job.onRun = null
    this.jobs.delete(job.id)
    this.notRunnable(job)
  }

  private counted (run: Run, delta: 1 | -1): void {
    const project = run.job.project
    this.projectRuns.set(project, Math.max(0, (this.projectRuns.get(project) ?? 0) + delta))
    let set = this.nodeRuns.get(run.node)
    if (delta > 0) {
      if (!set) this.nodeRuns.set(run.node, set = new Set())
      set.add(run)
    } else {
      // An empty set stays: the node's next run needs it again in a moment.
      set?.delete(run)
    }
    this.deps.runsChanged?.()
  }

  /** Runs a node has in flight. */
  runsOfNode (node: string): Run[] { return [...(this.nodeRuns.get(node) ?? [])] }

  /** Re-checks whether a job may hand out work (after any change to it). */
  refresh (job: JobRuntime): void {
    if (!(this.jobs.has(job.id) && isRunnable(job.job.status) && job.queuedTasks > 0)) {
      this.notRunnable(job)
      return
    }
    let set = this.runnable.get(job.project)
    if (!set) this.runnable.set(job.project, set = new Set())
    set.add(job)
    if (job.job.device === 'gpu') this.runnableGpu.add(job)
  }

  private notRunnable (job: JobRuntime): void {
    this.runnableGpu.delete(job)
    const set = this.runnable.get(job.project)
    if (!set?.delete(job)) return
    if (set.size === 0) this.runnable.delete(job.project)
  }

  runsOf (project: string): number { return this.projectRuns.get(project) ?? 0 }

  hasRunnable (): boolean { return this.runnable.size > 0 }

  /** May this node take this job's tasks at all? */
  fits (job: JobRuntime, node: NodeCaps): boolean {
    if (!canShip(node, job.share) || job.blocklist.has(node.name)) return false
    const { requires } = job.job
    for (let i = 0; i < requires.length; i++) if (!node.provides.has(requires[i]!)) return false
    return nodeFits(job.job, node)
  }

  /** A task failed by this node goes to others first, unless no other node could take it. */
  private takeable (job: JobRuntime, node: string): (idx: number) => boolean {
    if (job.failedBy.size === 0) return anyTask
    let others: number | undefined
    return (idx) => {
      const failed = job.failedBy.get(idx)
      if (!failed?.has(node)) return true
      others ??= this.deps.eligibleNodes(job.group).nodes - job.blocklist.size
      return others <= failed.size
    }
  }

  /**
   * The next run for this node, or null when there is nothing it may take. The project comes
   * first (fair share), so only that project's jobs are looked at, not every job on the farm: it
   * runs for every task handed out.
   */
  pick (node: NodeCaps): PlannedRun | null {
    // A GPU node: GPU jobs first; other work only when none of them has a run for it.
    if (node.gpu && this.runnableGpu.size > 0) {
      const gpuRun = this.pickWhere(node, (job) => mayTake(job.job.device, true, true))
      if (gpuRun) return gpuRun
    }
    return this.pickWhere(node, null)
  }

  private pickWhere (node: NodeCaps, only: ((job: JobRuntime) => boolean) | null): PlannedRun | null {
    let passed: Set<string> | null = null
    for (;;) {
      // The highest weight; among equals, each is equally likely (reservoir choice).
      let chosen: string | null = null
      let best = -Infinity
      let ties = 0
      for (const project of this.runnable.keys()) {
        if (passed?.has(project)) continue
        const weight = this.deps.projectPriority(project) / (0.1 + this.runsOf(project))
        if (weight > best) {
          best = weight
          chosen = project
          ties = 1
        } else if (weight === best) {
          ties++
          if (this.deps.random() * ties < 1) chosen = project
        }
      }
      if (chosen === null) return null
      const found = this.bestJob(this.runnable.get(chosen)!, node, only)
      if (found) {
        const { job, anchor } = found
        const tasks = job.grow(anchor, this.runFrames(job, node), this.takeable(job, node.name))
        return { job, tasks, frames: job.framesOf(tasks) }
      }
      // Nothing there for this node (shares, tags, blocklist, retries): the next project.
      (passed ??= new Set()).add(chosen)
    }
  }

  /** The project's job that goes first for this node, with the task its run starts with. */
  private bestJob (jobs: Set<JobRuntime>, node: NodeCaps, only: ((job: JobRuntime) => boolean) | null): { job: JobRuntime, anchor: number } | null {
    let best: JobRuntime | null = null
    let bestAnchor = -1
    for (const job of jobs) {
      if (only && !only(job)) continue
      if (!this.fits(job, node)) continue
      if (best && compareJobs(best, job) <= 0) continue
      if (node.sharedCores && !shortFrames(job) && this.rendersOn(job, node.name)) continue
      const anchor = job.nextAnchor(this.takeable(job, node.name))
      if (anchor < 0) continue
      best = job
      bestAnchor = anchor
    }
    return best && { job: best, anchor: bestAnchor }
  }

  /** Whether this node has a run of this job in flight. */
  private rendersOn (job: JobRuntime, node: string): boolean {
    for (const run of this.nodeRuns.get(node) ?? []) if (run.job === job) return true
    return false
  }

  /**
   * How many frames the next run of this job should hold on this node: guided self-scheduling (the
   * frames left shared among every slot that can take the job, so runs shrink as the job nears its
   * end and no process idles while another still has many frames), bounded.
   */
  runFrames (job: JobRuntime, node: NodeCaps): number {
    const { slots } = this.deps.eligibleNodes(job.group)
    // A single-use node will not come back for more: it shares only with the slots not on the job
    // yet, or with the nodes its prenode started for the job that are still to come (run plan).
    const coming = node.singleUse ? this.deps.singleUseComing?.(job.id) ?? 0 : 0
    const sharers = node.singleUse ? (coming > 0 ? coming : slots - job.runs.size) : slots
    let frames = Math.ceil(job.queuedFrames / Math.max(1, sharers))
    const mean = job.meanSeconds
    if (mean === null) {
      frames = Math.min(frames, UNKNOWN_RUN_FRAMES)
    } else {
      const perFrame = Math.max(mean, 1e-3)
      // A node with the file loaded already starts at once; others pay the start-up again (nodes
      // started for the job pay theirs anyway: each gets a share).
      if (!job.warmNodes.has(node.name) && coming === 0) frames = Math.max(frames, Math.ceil(job.overheadSeconds / (OVERHEAD_SHARE * perFrame)))
      frames = Math.min(frames, Math.max(1, Math.floor(MAX_RUN_SECONDS / perFrame)))
    }
    return Math.max(1, Math.min(frames, job.queuedFrames))
  }
}

/**
 * Where a job stands in line within its project: 0, nothing handed out yet (its first frame goes
 * out fast); 1, frames written (the file renders); 2, runs in flight but no frame written yet (the
 * file may be broken: other work first, though nodes still take it when there is nothing else).
 */
function tier (job: JobRuntime): number {
  if (job.doneFrames > 0) return 1
  return job.runs.size === 0 ? 0 : 2
}

const anyTask = (): boolean => true

/** Frames measured (or known from an earlier render of the file) to take under ONE_BLENDER_FRAME_SECONDS. */
export function shortFrames (job: JobRuntime): boolean {
  const mean = job.meanSeconds
  return mean !== null && mean < ONE_BLENDER_FRAME_SECONDS
}

/** Negative when `a` should go before `b` within one project. */
export function compareJobs (a: JobRuntime, b: JobRuntime): number {
  const ta = tier(a)
  const tb = tier(b)
  if (ta !== tb) return ta - tb
  if (a.job.priority !== b.job.priority) return b.job.priority - a.job.priority
  const d = runShare(b) - runShare(a)
  if (d !== 0) return d
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** A job's claim on more nodes: its time weight shared among the runs it has. */
function runShare (job: JobRuntime): number { return timeWeight(job) / (0.1 + job.runs.size) }

/** Frames under a minute all weigh the same; slower frames weigh less (at most 100× less). */
function timeWeight (job: JobRuntime): number {
  const mean = job.meanSeconds
  return mean === null ? 1 : 1 / Math.min(100, Math.max(1, mean / 60))
}
