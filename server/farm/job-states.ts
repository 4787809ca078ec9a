// The one state machine for job and task statuses. Every status change on the farm goes through
// here: the tables below say which changes exist, anything else throws a FarmStateError that the
// API answers with 409 and a sentence saying why. Task changes settle the job's status
// (all tasks done -> completed, a task failed for good -> failed); job actions (pause, resume,
// cancel, requeue) change their tasks. Listeners hear every change, so the scheduler's indexes
// and the journal never miss one.
import type { Job, JobAction, Task } from '../../schemas/generated/types.ts'
import { HttpError } from '../errors.ts'
import { renderedMessage } from './file-warnings.ts'
import { say, type Said } from '../../common/sentences.ts'

export type JobStatus = Job['status']

/** Who `act` names for a newer automatic render of the same file cancelling the old one. */
export const AUTO_RENDER = '\u0000auto'

/** A job's message in English and as a sentence; none clears both. */
function setMessage (job: Job, said: Said | undefined): void {
  if (said) {
    job.message = said.text
    job.sentence = said.sentence
  } else {
    delete job.message
    delete job.sentence
  }
}
export type TaskStatus = Task['status']

/** An impossible status change; the API turns it into 409 with this message. */
export class FarmStateError extends HttpError {
  constructor (message: string | Said) {
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
  moveJob (job: Job, to: JobStatus, message?: Said): void {
    const from = job.status
    if (from === to) {
      if (message !== undefined) setMessage(job, message)
      return
    }
    if (!canMoveJob(from, to)) throw new FarmStateError(`Job "${job.name}" is ${from}; it cannot become ${to}.`)
    job.status = to
    const at = this.stamp()
    job.updated = at
    if (to === 'active') job.started ??= at
    if (isFinished(to)) job.finished = at
    else delete job.finished
    if (message !== undefined) setMessage(job, message)
    else if (to === 'queued' || to === 'active') setMessage(job, undefined)
    for (const l of this.listeners) l.jobChanged?.(job, from)
  }

  /**
   * Brings the job's status in line with its tasks after task changes: every task completed ->
   * completed; a task failed for good -> failed (the rest are cancelled); work started -> active.
   */
  settle (job: Job, failMessage?: Said): void {
    if (job.status === 'cancelled' || job.status === 'completed') return
    if (job.status === 'failed') return
    const tasks = job.tasks
    const c = this.countsOf(job)
    if (c.failed > 0) {
      for (const t of tasks) if (t.status === 'queued' || t.status === 'active') this.moveTask(job, t, 'cancelled')
      this.moveJob(job, 'failed', failMessage ?? say('job:msg-failed'))
      return
    }
    if (job.status === 'queued' && c.active + c.completed > 0) this.moveJob(job, 'active')
    if (tasks.length > 0 && c.completed === tasks.length) this.moveJob(job, 'completed', renderedMessage(job))
  }

  /**
   * A person's action on a job, checked against its status. Returns the tasks it stopped. `by`: the
   * name of who did it, or AUTO_RENDER for a newer automatic render of the same file.
   */
  act (job: Job, action: JobAction, by?: string): Task[] {
    const said = (what: 'paused' | 'cancelled' | 'requeued') =>
      by === AUTO_RENDER ? say(`job:msg-${what}-auto`) : by ? say(`job:msg-${what}-by`, { who: by }) : say(`job:msg-${what}`)
    const stopped: Task[] = []
    switch (action) {
      case 'pause':
        if (!isRunnable(job.status)) throw new FarmStateError(job.status === 'paused' ? say('job:refused-paused-already', { job: job.name }) : say('job:refused-pause', { job: job.name, status: job.status }))
        this.moveJob(job, 'paused', said('paused'))
        return stopped
      case 'resume':
        if (job.status !== 'paused') throw new FarmStateError(say('job:refused-resume', { job: job.name, status: job.status }))
        this.moveJob(job, job.tasks.some((t) => t.status !== 'queued') ? 'active' : 'queued')
        this.settle(job)
        return stopped
      case 'cancel':
        if (isFinished(job.status)) throw new FarmStateError(say('job:refused-cancel', { job: job.name, status: job.status }))
        for (const t of job.tasks) {
          if (t.status === 'active') stopped.push(t)
          if (t.status === 'queued' || t.status === 'active') this.moveTask(job, t, 'cancelled')
        }
        this.moveJob(job, 'cancelled', said('cancelled'))
        return stopped
      case 'requeue': {
        if (job.status !== 'failed' && job.status !== 'cancelled') throw new FarmStateError(say('job:refused-requeue', { job: job.name, status: job.status }))
        for (const t of job.tasks) {
          if (t.status === 'failed' || t.status === 'cancelled') {
            t.failures = []
            this.moveTask(job, t, 'queued')
          }
        }
        job.blocklist = []
        this.moveJob(job, 'queued', said('requeued'))
        this.settle(job)
        return stopped
      }
    }
  }
}
