// What one round asks the cluster for: one node per video job (its one task renders the whole
// range), one per frame left of every frame job, capped at maxFrames; and the command with the
// counts put in.
import type { FarmPrenodeJob } from '../schemas/generated/types.ts'

export interface Batch {
  /** Job ids, to acknowledge once the command succeeded. */
  ids: string[]
  jobs: number
  frames: number
  /** Frames wanted before the cap. */
  uncapped: number
}

export function batchOf (jobs: FarmPrenodeJob[], maxFrames: number): Batch {
  const uncapped = jobs.reduce((n, job) => n + (job.video ? 1 : job.framesLeft), 0)
  return { ids: jobs.map((j) => j.id), jobs: jobs.length, frames: Math.min(uncapped, maxFrames), uncapped }
}

/** Replaces every {frames} and {jobs} in the command (other braces are left as they are). */
export function substitute (command: string, batch: Pick<Batch, 'frames' | 'jobs'>): string {
  return command.replace(/\{(frames|jobs)\}/g, (_, key: 'frames' | 'jobs') => String(batch[key]))
}
