// A job as it is on disk (its job file plus the journal lines written since), kept as text. Job
// files are written from it, never from the job in memory, which may hold a change whose journal
// line is still being written (and may yet be refused); and a job in memory is put back to it when
// a change could not be written, so a refused change never happens later. Its header's key tells
// the journal whether a job's fields changed since its last line on disk (unchanged, they are left out).
import type { Job, Task } from '../../schemas/generated/types.ts'

export interface JobImage {
  /** The job's fields, without its tasks and revision, as JSON. */
  header: string
  /** Each task as JSON. */
  tasks: string[]
  revision: number
}

/** The job's fields without its tasks (nor revision), as JSON. */
export function headerJson (job: Job): string {
  const { tasks: _tasks, revision: _revision, ...header } = job
  return JSON.stringify(header)
}

export function imageOf (job: Job): JobImage {
  return { header: headerJson(job), tasks: job.tasks.map((task) => JSON.stringify(task)), revision: job.revision ?? 0 }
}

/** The job file's text (built from the texts kept, not by serialising thousands of tasks again). */
export function fileText (image: JobImage): string {
  return `${image.header.slice(0, -1)},"revision":${image.revision},"tasks":[${image.tasks.join(',')}]}\n`
}

/** Makes the job in memory what the image says, in place: whoever holds the job object sees it. */
export function putBack (job: Job, image: JobImage): void {
  for (const key of Object.keys(job)) if (key !== 'tasks') delete (job as Partial<Job>)[key as keyof Job]
  Object.assign(job, JSON.parse(image.header))
  job.revision = image.revision
  image.tasks.forEach((text, i) => {
    if (JSON.stringify(job.tasks[i]) !== text) job.tasks[i] = slimTask(JSON.parse(text) as Task)
  })
}

/** Empty lists cost memory in jobs of thousands of tasks: they are left out (the code reads them as empty). */
export function slimTask (task: Task): Task {
  if (task.framesDone?.length === 0) delete task.framesDone
  if (task.samples?.length === 0) delete task.samples
  if (task.failures?.length === 0) delete task.failures
  return task
}

export function slim (job: Job): void {
  for (const task of job.tasks) slimTask(task)
}

/** Everything in a job's header that changes after creation. */
export interface HeaderKey {
  status: Job['status'],
  priority: number,
  updated?: string,
  started?: string,
  finished?: string,
  name: string,
  message?: string,
  blocklist: string,
  seenBy: string,
  /** How many warnings (they are only added, or replaced with job.updated stamped anew). */
  warnings: number
}

export function headerKey (job: Job): HeaderKey {
  const { status, priority, updated, started, finished, name, message } = job
  return { status, priority, updated, started, finished, name, message, blocklist: job.blocklist?.join(',') ?? '', seenBy: job.seenBy?.join(',') ?? '', warnings: job.warnings?.length ?? 0 }
}

/** Compared field by field: this runs for every change, so it builds nothing. */
export function sameHeader (k: HeaderKey, job: Job): boolean {
  return k.status === job.status && k.priority === job.priority && k.updated === job.updated && k.started === job.started &&
    k.finished === job.finished && k.name === job.name && k.message === job.message &&
    k.blocklist === (job.blocklist?.join(',') ?? '') && k.seenBy === (job.seenBy?.join(',') ?? '') && k.warnings === (job.warnings?.length ?? 0)
}
