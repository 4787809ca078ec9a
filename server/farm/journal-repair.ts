// Journal lines a start could not read: cut off at the end (the server was killed while writing
// it, or its disk was full) or damaged in the middle. A torn line was never acknowledged and a
// damaged one is lost, but a node may have written the frames they were about, and its report may
// even have been acknowledged. So before anything is rendered again, the frames of the jobs they
// name (every job, when a line names none) that were handed out and not counted are looked for on
// disk; those whose files are there count. Each journal file is reported once, with what was found.
import type { FarmContext } from './farm-context.ts'
import type { FrameFiles } from './frame-files.ts'
import type { DamagedLine } from './journal-replay.ts'
import type { JobRuntime } from './job-runtime.ts'
import { Changes } from './task-moves.ts'

/** The farm's repair of the journal lines its start could not read (farm.ts runs it before work goes out). */
export class JournalRepair {
  /** Journal lines the start could not read, whose frames are still to be looked for on disk. */
  private unrepaired: DamagedLine[] = []
  private repairing: Promise<void> | null = null

  constructor (private readonly ctx: FarmContext) {}

  /** The lines the store could not read at start. */
  noteDamaged (damaged: readonly DamagedLine[]): void {
    this.unrepaired = [...damaged]
  }

  /**
   * The frames of the lines' jobs that are on disk count, then each journal file is reported.
   * Throws when that cannot be written (run again once it can).
   */
  run (): Promise<void> {
    this.repairing ??= this.repair().finally(() => { this.repairing = null })
    return this.repairing
  }

  private async repair (): Promise<void> {
    if (this.unrepaired.length === 0) return
    const damaged = this.unrepaired
    const everyJob = damaged.some((d) => d.job === undefined)
    const checked = jobsToCheck(damaged, this.ctx.scheduler.jobs)
    const found = new Map<JobRuntime, number[]>()
    const changes = new Changes()
    for (const rt of checked) {
      const frames = await framesOnDisk(this.ctx.frameFiles, rt)
      if (frames.length === 0) continue
      found.set(rt, frames)
      this.ctx.moves.countFound(rt, frames, changes)
    }
    await this.ctx.commit(changes)
    this.unrepaired = []
    for (const [file, lines] of byFile(damaged)) {
      const reason = describe(lines, checked, everyJob, found)
      if (this.ctx.deps.problem) this.ctx.deps.problem(file, reason)
      else this.ctx.deps.log.warn({ file, reason }, 'damaged journal file')
    }
  }
}

/** The jobs the lines may be about: those they name, or every job when one names none. */
export function jobsToCheck (damaged: DamagedLine[], jobs: ReadonlyMap<string, JobRuntime>): JobRuntime[] {
  if (damaged.some((d) => d.job === undefined)) return [...jobs.values()]
  return [...new Set(damaged.map((d) => jobs.get(d.job!)).filter((rt): rt is JobRuntime => rt !== undefined))]
}

/** Frames of tasks that were handed out (only those can have been rendered) and are not counted yet, whose files are on disk. */
export async function framesOnDisk (files: FrameFiles, rt: JobRuntime): Promise<number[]> {
  const idxs: number[] = []
  rt.job.tasks.forEach((task, idx) => {
    if ((task.status === 'active' || task.status === 'queued') && task.assignedAt) idxs.push(idx)
  })
  return await files.find(rt.job, (frame) => rt.task(rt.taskOfFrame(frame)), rt.framesOf(idxs))
}

/** What happened to a journal file's unreadable lines, and what was found on disk, for the log and the problems list. */
export function describe (lines: DamagedLine[], checked: JobRuntime[], everyJob: boolean, found: ReadonlyMap<JobRuntime, number[]>): string {
  const torn = lines.find((l) => l.torn)
  const bad = lines.filter((l) => !l.torn).map((l) => l.line)
  const what: string[] = []
  if (bad.length > 0) what.push(`line${bad.length === 1 ? '' : 's'} ${list(bad)} cannot be read (damaged) and ${bad.length === 1 ? 'was' : 'were'} skipped`)
  if (torn) what.push(`its last line (${torn.line}) was cut off: the server stopped while writing it (killed, or its disk full), so that change was never acknowledged`)
  const counted = checked.filter((rt) => (found.get(rt)?.length ?? 0) > 0)
  const total = counted.reduce((n, rt) => n + found.get(rt)!.length, 0)
  const whose = everyJob ? 'every job' : checked.length === 0 ? 'no job that still exists' : checked.map((rt) => `"${rt.job.name}"`).join(', ')
  const outcome = total === 0
    ? 'no frame was found there that was not counted already'
    : `${total} frame${total === 1 ? ' was' : 's were'} found there and counted (${counted.map((rt) => `"${rt.job.name}" ${list(found.get(rt)!)}`).join('; ')}); the others are rendered as usual`
  // No full stop at the end: the log and the web UI add what follows.
  return `${capital(what.join('; '))}. The frames of ${whose} were checked against the files on disk: ${outcome}`.slice(0, 2000)
}

/** The lines of each journal file. */
export function byFile (damaged: DamagedLine[]): Map<string, DamagedLine[]> {
  const out = new Map<string, DamagedLine[]>()
  for (const d of damaged) out.set(d.file, [...(out.get(d.file) ?? []), d])
  return out
}

function capital (s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function list (xs: number[]): string {
  return `${xs.slice(0, 10).join(', ')}${xs.length > 10 ? ', …' : ''}`
}
