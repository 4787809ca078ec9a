// The run plan for a cluster: how many single-use nodes the waiting work can use at once, so a
// prenode asks its cluster for that many (not one per frame, which mostly start nodes that find
// nothing; not one for everything, which leaves the cluster's other nodes idle).
//
// A single-use node takes one run and leaves, so each node planned must get a run of its own:
// - a video job is one run: one node;
// - frames of unknown time: one node per queued task, up to the cap (the scheduler then splits the
//   frames evenly over the nodes still coming, single-use-arrivals.ts);
// - frames of known time: enough nodes that each renders about TARGET_RUN_SECONDS, and no run so
//   short that starting Blender is more than OVERHEAD_SHARE of it.
// Over the cap, every job gets one node in turn (oldest first) until the cap is reached, so a
// big job cannot take a whole batch from the ones behind it.
import { OVERHEAD_SHARE } from './scheduler.ts'

/** The run length a node of a job with measured frames aims at. */
export const TARGET_RUN_SECONDS = 180

export interface PlanJob {
  id: string
  video: boolean
  /** Tasks waiting for a node (a run holds one or more). */
  queuedTasks: number
  queuedFrames: number
  /** Mean seconds per frame, null while unknown. */
  meanSeconds: number | null
  /** Seconds a run spends starting up (loading Blender and the file). */
  overheadSeconds: number
}

/** How many single-use nodes this job alone could use at once. */
export function nodesWanted (job: PlanJob): number {
  if (job.queuedTasks <= 0) return 0
  if (job.video) return 1
  if (job.meanSeconds === null) return job.queuedTasks
  const perFrame = Math.max(job.meanSeconds, 1e-3)
  // Frames per node: about the target run length, but enough that start-up stays a small share.
  const minFrames = Math.ceil(job.overheadSeconds / (OVERHEAD_SHARE * perFrame))
  const framesPerNode = Math.max(1, minFrames, Math.round(TARGET_RUN_SECONDS / perFrame))
  return Math.max(1, Math.min(job.queuedTasks, Math.ceil(job.queuedFrames / framesPerNode)))
}

export interface RunPlan {
  /** Nodes for each job, in the order given (0: none in this batch). */
  nodes: Map<string, number>
  total: number
}

/** Shares at most `maxNodes` single-use nodes among the jobs (given oldest first). */
export function planRuns (jobs: PlanJob[], maxNodes: number): RunPlan {
  const wanted = jobs.map(nodesWanted)
  const given = wanted.map(() => 0)
  let total = 0
  const sum = wanted.reduce((a, b) => a + b, 0)
  if (sum <= maxNodes) {
    wanted.forEach((w, i) => { given[i] = w })
    total = sum
  } else {
    // Round robin: one node each, in turn, while any job wants more and the cap allows.
    let more = true
    while (more && total < maxNodes) {
      more = false
      for (let i = 0; i < jobs.length && total < maxNodes; i++) {
        if (given[i]! >= wanted[i]!) continue
        given[i]!++
        total++
        more = true
      }
    }
  }
  return { nodes: new Map(jobs.map((j, i) => [j.id, given[i]!])), total }
}
