// The one state machine for job and task statuses. Every status change on the farm goes through
// here: the tables below say which changes exist, anything else throws a FarmStateError that the
// API answers with 409 and a sentence saying why. Task changes settle the job's status
// (all tasks done -> completed, a task failed for good -> failed); job actions (pause, resume,
// cancel, requeue) change their tasks. Listeners hear every change, so the scheduler's indexes
// and the journal never miss one.
import type { Job, JobAction, Task } from '../../schemas/generated/types.ts'
import { HttpError } from '../errors.ts'
import { renderedMessage } from './file-warnings.ts'

export type JobStatus = Job['status']
export type TaskStatus = Task['status']

/** An impossible status change; the API turns it into 409 with this message. */
export class FarmStateError extends HttpError {
  constructor (message: string) {
    super(409, 'RFAM_BAD_STATE', message)
    this.name = 'FarmStateError'
  }
}

const TASK_MOVES: Record<TaskStatus, readonly TaskStatus[]> = {
  queued: ['active', 'cancelled'],
  active: ['queued', 'completed', 'failed', 'cancelled'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
}

const JOB_MOVES: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['active', 'paused', 'cancelled', 'failed'],
  active: ['paused', 'completed', 'failed', 'cancelled'],
  // A paused job's running tasks may still finish (or fail) it.
  paused: ['queued', 'active', 'completed', 'failed', 'cancelled'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
}

export const canMoveTask = (from: TaskStatus, to: TaskStatus): boolean => TASK_MOVES[from].includes(to)
export const canMoveJob = (from: JobStatus, to: JobStatus): boolean => JOB_MOVES[from].includes(to)

/** Statuses in which a job may still hand out tasks (when not paused). */
export const isRunnable = (status: JobStatus): boolean => status === 'queued' || status === 'active'
export const isFinished = (status: JobStatus): boolean => status === 'completed' || status === 'failed' || status === 'cancelled'

export interface StateListener {
  taskChanged?: (job: Job, task: Task, from: TaskStatus) => void
  jobChanged?: (job: Job, from: JobStatus) => void
}

/** How many tasks of a job are in each status (lets settle() skip walking every task). */
export type TaskCounts = Record<TaskStatus, number>

export class JobStateMachine {
  private readonly listeners: StateListener[] = []

  /** `counts` gives a job's task counts when they are kept elsewhere (the farm's runtime). */
  constructor (private readonly now: () => number, private readonly counts?: (job: Job) => TaskCounts | undefined) {}

  private countsOf (job: Job): TaskCounts {
    const kept = this.counts?.(job)
    if (kept) return kept
    const c: TaskCounts = { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 0 }
    for (const t of job.tasks) c[t.status]++
    return c
  }

  listen (listener: StateListener): void { this.listeners.push(listener) }

  private stamp (): string { return new Date(this.now()).toISOString() }

  /** Moves one task; throws when the move does not exist. Does not settle the job (see settle). */
  moveTask (job: Job, task: Task, to: TaskStatus): void {
    const from = task.status
    if (from === to) return
    if (!canMoveTask(from, to)) throw new FarmStateError(`Task ${task.id} of job "${job.name}" is ${from}; it cannot become ${to}.`)
    task.status = to
    if (to !== 'active') task.node = null
    for (const l of this.listeners) l.taskChanged?.(job, task, from)
  }

  /** Moves the job itself; throws when the move does not exist. */
  moveJob (job: Job, to: JobStatus, message?: string): void {
    const from = job.status
    if (from === to) {
      if (message !== undefined) job.message = message
      return
    }
    if (!canMoveJob(from, to)) throw new FarmStateError(`Job "${job.name}" is ${from}; it cannot become ${to}.`)
    job.status = to
    const at = this.stamp()
    job.updated = at
    if (to === 'active') job.started ??= at
    if (isFinished(to)) job.finished = at
    else delete job.finished
    if (message !== undefined) job.message = message
    else if (to === 'queued' || to === 'active') delete job.message
    for (const l of this.listeners) l.jobChanged?.(job, from)
  }

  /**
   * Brings the job's status in line with its tasks after task changes: every task completed ->
   * completed; a task failed for good -> failed (the rest are cancelled); work started -> active.
   */
  settle (job: Job, failMessage?: string): void {
    if (job.status === 'cancelled' || job.status === 'completed') return
    if (job.status === 'failed') return
    const tasks = job.tasks
    const c = this.countsOf(job)
    if (c.failed > 0) {
      for (const t of tasks) if (t.status === 'queued' || t.status === 'active') this.moveTask(job, t, 'cancelled')
      this.moveJob(job, 'failed', failMessage ?? 'A task failed too many times.')
      return
    }
    if (job.status === 'queued' && c.active + c.completed > 0) this.moveJob(job, 'active')
    if (tasks.length > 0 && c.completed === tasks.length) this.moveJob(job, 'completed', renderedMessage(job))
  }

  /** A person's action on a job, checked against its status. Returns the tasks it stopped. */
  act (job: Job, action: JobAction, by?: string): Task[] {
    const who = by ? ` by ${by}` : ''
    const stopped: Task[] = []
    switch (action) {
      case 'pause':
        if (!isRunnable(job.status)) throw new FarmStateError(job.status === 'paused' ? `Job "${job.name}" is paused already.` : `Job "${job.name}" is ${job.status}; only a queued or active job can be paused.`)
        this.moveJob(job, 'paused', `Paused${who}; frames being rendered will finish.`)
        return stopped
      case 'resume':
        if (job.status !== 'paused') throw new FarmStateError(`Job "${job.name}" is ${job.status}, not paused; there is nothing to resume.`)
        this.moveJob(job, job.tasks.some((t) => t.status !== 'queued') ? 'active' : 'queued')
        this.settle(job)
        return stopped
      case 'cancel':
        if (isFinished(job.status)) throw new FarmStateError(`Job "${job.name}" is ${job.status} already; there is nothing to cancel.`)
        for (const t of job.tasks) {
          if (t.status === 'active') stopped.push(t)
          if (t.status === 'queued' || t.status === 'active') this.moveTask(job, t, 'cancelled')
        }
        this.moveJob(job, 'cancelled', `Cancelled${who}.`)
        return stopped
      case 'requeue': {
        if (job.status !== 'failed' && job.status !== 'cancelled') throw new FarmStateError(`Job "${job.name}" is ${job.status}; only a failed or cancelled job can be rendered again.`)
        for (const t of job.tasks) {
          if (t.status === 'failed' || t.status === 'cancelled') {
            t.failures = []
            this.moveTask(job, t, 'queued')
          }
        }
        job.blocklist = []
        this.moveJob(job, 'queued', `Queued again${who}.`)
        this.settle(job)
        return stopped
      }
    }
  }
}
