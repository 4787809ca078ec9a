// What one round asks the cluster for. The server's run plan says how many single-use nodes each
// job can use at once (its `nodes`, server/farm/run-plan.ts); the batch asks for their sum, at
// most maxNodes, and only for the jobs the plan gave nodes (the others are offered again next
// round). A server without a plan (an older one) gets one node per video job and per frame left,
// at most maxNodes. {frames} is one per video job plus every frame left, capped at maxFrames.
import type { FarmPrenodeJob } from '../schemas/generated/types.ts'

export interface Batch {
  /** Job ids, to acknowledge once the command succeeded. */
  ids: string[]
  /** Nodes started for each job (sent with the acknowledgement). */
  perJob: Record<string, number>
  jobs: number
  nodes: number
  frames: number
  /** Frames wanted before the cap. */
  uncapped: number
}

export function batchOf (offered: FarmPrenodeJob[], limits: { maxFrames: number, maxNodes: number }): Batch {
  const planned = offered.every((j) => j.nodes !== undefined)
  const wanted = (j: FarmPrenodeJob) => planned ? j.nodes! : j.video ? 1 : j.framesLeft
  const perJob: Record<string, number> = {}
  let nodes = 0
  for (const job of offered) {
    const n = Math.min(wanted(job), limits.maxNodes - nodes)
    if (n <= 0) continue
    perJob[job.id] = n
    nodes += n
  }
  const jobs = offered.filter((j) => perJob[j.id] !== undefined)
  const uncapped = jobs.reduce((n, job) => n + (job.video ? 1 : job.framesLeft), 0)
  return { ids: jobs.map((j) => j.id), perJob, jobs: jobs.length, nodes, frames: Math.min(uncapped, limits.maxFrames), uncapped }
}

/** Replaces every {nodes}, {frames} and {jobs} in the command (other braces are left as they are). */
export function substitute (command: string, batch: Pick<Batch, 'nodes' | 'frames' | 'jobs'>): string {
  return command.replace(/\{(nodes|frames|jobs)\}/g, (_, key: 'nodes' | 'frames' | 'jobs') => String(batch[key]))
}
