// What the scheduler keeps in memory about one job, so that picking work never reads files or
// walks every task: the dispatch order with a cursor, the tasks queued again, counters, frame
// statistics, the nodes that failed each task, and the runs in flight. Rebuilt from the job
// file at start; kept current by the state machine's listener (taskChanged).
import type { Job, Task } from '../../schemas/generated/types.ts'
import { sequentialOrder, spreadOrder } from './frames.ts'
import type { TaskCounts, TaskStatus } from './job-states.ts'
import { fitKey } from './node-fit.ts'

/** Tasks of one job handed to one node together, rendered by one Blender process. */
export interface Run {
  job: JobRuntime
  node: string
  tasks: Set<number>
  started: number
  /** Seconds of the frames reported so far, to learn the start-up cost of a run. */
  frameSeconds: number
}

export interface FrameTime { frame: number, seconds: number }

const remaining = (t: Task) => t.frames.length - (t.framesDone?.length ?? 0)

export class JobRuntime {
  readonly share: string
  /** Jobs with the same share, tags, Blender and device needs go to the same nodes. */
  readonly group: string
  readonly taskIndex = new Map<string, number>()
  readonly failedBy = new Map<number, Set<string>>()
  readonly nodeFailures = new Map<string, number>()
  readonly blocklist: Set<string>
  readonly runs = new Set<Run>()
  readonly runOfTask = new Map<number, Run>()
  /** Tasks in each status. */
  readonly taskCounts: TaskCounts = { queued: 0, active: 0, completed: 0, failed: 0, cancelled: 0 }
  queuedTasks = 0
  queuedFrames = 0
  activeTasks = 0
  activeFrames = 0
  doneFrames = 0
  failedFrames = 0
  cancelledFrames = 0
  errors = 0
  sampleCount = 0
  sampleSeconds = 0
  fastest: FrameTime | null = null
  slowest: FrameTime | null = null
  peakMemoryMB: number | null = null
  /** Told when a run starts (+1) or ends (-1), for the scheduler's counts. */
  onRun: ((run: Run, delta: 1 | -1) => void) | null = null
  /** Frames a node said it wrote whose files were not on the share, with why (for the failure it leads to). */
  readonly refused = new Map<number, string>()
  /** Nodes whose Blender stays open with this job's file loaded (their next run costs no start-up). */
  readonly warmNodes = new Set<string>()
  /** Seconds a run spends outside its frames (start-up, loading the file); learnt from runs. */
  overheadSeconds = 1
  private overheadSamples = 0
  private priorMeanSeconds: number | null = null
  private order: number[] = []
  private positionOf: Int32Array = new Int32Array(0)
  private cursor = 0
  /** Dispatch positions before the cursor whose task is queued again, ascending. */
  private returned: number[] = []

  private readonly createdMs: number

  constructor (readonly job: Job) {
    this.createdMs = Date.parse(job.created)
    this.share = job.file.split('::')[0]!
    this.group = `${this.share}|${[...job.requires].sort().join(',')}|${fitKey(job)}`
    this.blocklist = new Set()
    this.rebuild()
  }

  get id (): string { return this.job.id }
  get project (): string { return this.job.project }
  get created (): number { return this.createdMs }
  /** Mean frame time so far; before the first frame, what an earlier render of the file measured. */
  get meanSeconds (): number | null { return this.sampleCount > 0 ? this.sampleSeconds / this.sampleCount : this.priorMeanSeconds }
  /** Mean frame time of this job's own frames only. */
  get measuredSeconds (): number | null { return this.sampleCount > 0 ? this.sampleSeconds / this.sampleCount : null }

  /** Starts from an earlier render of the same file: its frame time and its start-up cost. */
  seed (meanSeconds: number, overheadSeconds: number): void {
    this.priorMeanSeconds = meanSeconds
    this.overheadSeconds = overheadSeconds
  }

  get totalFrames (): number { return this.job.tasks.reduce((n, t) => n + t.frames.length, 0) }

  /** Recomputes everything from the job (at load, after a requeue of the whole job). */
  rebuild (): void {
    const { tasks } = this.job
    this.order = this.job.spread ? spreadOrder(tasks.length) : sequentialOrder(tasks.length)
    this.positionOf = new Int32Array(tasks.length)
    this.order.forEach((idx, pos) => { this.positionOf[idx] = pos })
    this.cursor = 0
    this.returned = []
    this.taskIndex.clear()
    this.blocklist.clear()
    for (const n of this.job.blocklist ?? []) this.blocklist.add(n)
    this.failedBy.clear()
    this.nodeFailures.clear()
    for (const k of Object.keys(this.taskCounts) as TaskStatus[]) this.taskCounts[k] = 0
    this.queuedTasks = this.queuedFrames = this.activeTasks = this.activeFrames = 0
    this.doneFrames = this.failedFrames = this.cancelledFrames = this.errors = 0
    this.sampleCount = this.sampleSeconds = 0
    this.fastest = this.slowest = null
    this.peakMemoryMB = null
    tasks.forEach((task, idx) => {
      this.taskIndex.set(task.id, idx)
      this.count(task, +1)
      this.doneFrames += task.framesDone?.length ?? 0
      for (const s of task.samples ?? []) this.addSample(s.frame, s.seconds, s.memoryMB)
      for (const f of task.failures ?? []) {
        this.errors++
        this.noteFailure(idx, f.node)
      }
    })
    // Tasks that were handed out before a restart but are queued now sit before the cursor.
    this.advanceCursor()
  }

  /**
   * After the job was put back as it is on disk (a change to it was refused): counters, order and
   * runs follow its tasks again. A task active again rejoins its node's run; one no longer active
   * with a run's node leaves it.
   */
  resync (now: number): void {
    this.rebuild()
    for (const [idx, run] of [...this.runOfTask]) {
      const task = this.job.tasks[idx]
      if (task?.status !== 'active' || task.node !== run.node) this.leaveRun(idx)
    }
    this.job.tasks.forEach((task, idx) => {
      if (task.status === 'active' && task.node && !this.runOfTask.has(idx)) this.joinRun(task.node, idx, now)
    })
  }

  private count (task: Task, sign: 1 | -1): void {
    this.taskCounts[task.status] += sign
    const left = remaining(task)
    switch (task.status) {
      case 'queued': this.queuedTasks += sign; this.queuedFrames += sign * left; break
      case 'active': this.activeTasks += sign; this.activeFrames += sign * left; break
      case 'failed': this.failedFrames += sign * left; break
      case 'cancelled': this.cancelledFrames += sign * left; break
      case 'completed': break
    }
  }

  /** Called by the state machine's listener after every task status change. */
  taskChanged (task: Task, from: TaskStatus): void {
    const idx = this.taskIndex.get(task.id)
    if (idx === undefined) return
    this.count({ ...task, status: from }, -1)
    this.count(task, +1)
    if (from === 'active') this.leaveRun(idx)
    if (task.status === 'queued') {
      const pos = this.positionOf[idx]!
      if (pos < this.cursor && !this.returned.includes(pos)) {
        let at = this.returned.length
        while (at > 0 && this.returned[at - 1]! > pos) at--
        this.returned.splice(at, 0, pos)
      }
    }
  }

  /** A frame of an active task was written: counters move from active to done. */
  frameWritten (frame: number, seconds: number, memoryMB: number | undefined): void {
    this.activeFrames--
    this.doneFrames++
    this.addSample(frame, seconds, memoryMB)
  }

  private addSample (frame: number, seconds: number, memoryMB: number | undefined): void {
    this.sampleCount++
    this.sampleSeconds += seconds
    if (!this.fastest || seconds < this.fastest.seconds) this.fastest = { frame, seconds }
    if (!this.slowest || seconds > this.slowest.seconds) this.slowest = { frame, seconds }
    if (memoryMB !== undefined && (this.peakMemoryMB === null || memoryMB > this.peakMemoryMB)) this.peakMemoryMB = memoryMB
  }

  noteFailure (idx: number, node: string): void {
    let set = this.failedBy.get(idx)
    if (!set) this.failedBy.set(idx, set = new Set())
    set.add(node)
    this.nodeFailures.set(node, (this.nodeFailures.get(node) ?? 0) + 1)
  }

  /** Learns the start-up cost of a run from its total time and its frames' times. */
  noteRunOverhead (seconds: number): void {
    if (!(seconds >= 0)) return
    this.overheadSamples++
    const weight = Math.max(1 / this.overheadSamples, 0.2)
    this.overheadSeconds += (seconds - this.overheadSeconds) * weight
  }

  /** Which task holds this frame (-1: none). */
  taskOfFrame (frame: number): number {
    const { job } = this
    if (job.video) return job.tasks[0]?.frames.includes(frame) ? 0 : -1
    const pos = (frame - job.frameStart) / job.frameStep
    if (!Number.isInteger(pos) || pos < 0) return -1
    const idx = Math.floor(pos / job.chunkSize)
    return job.tasks[idx]?.frames.includes(frame) ? idx : -1
  }

  task (idx: number): Task { return this.job.tasks[idx]! }

  // ---- runs ------------------------------------------------------------------------------
  startRun (node: string, idxs: number[], now: number): Run {
    const run: Run = { job: this, node, tasks: new Set(idxs), started: now, frameSeconds: 0 }
    this.runs.add(run)
    for (const idx of idxs) this.runOfTask.set(idx, run)
    this.onRun?.(run, 1)
    return run
  }

  /** Adds a task to a node's run (a run claimed back after a restart); returns the run. */
  joinRun (node: string, idx: number, now: number): Run {
    for (const run of this.runs) {
      if (run.node === node) {
        run.tasks.add(idx)
        this.runOfTask.set(idx, run)
        return run
      }
    }
    return this.startRun(node, [idx], now)
  }

  private leaveRun (idx: number): void {
    const run = this.runOfTask.get(idx)
    if (!run) return
    this.runOfTask.delete(idx)
    run.tasks.delete(idx)
    if (run.tasks.size === 0) {
      this.runs.delete(run)
      this.onRun?.(run, -1)
    }
  }

  // ---- what to hand out next ---------------------------------------------------------------
  private advanceCursor (): void {
    const { tasks } = this.job
    while (this.cursor < this.order.length && tasks[this.order[this.cursor]!]!.status !== 'queued') this.cursor++
  }

  /**
   * The next task to start a run with, in dispatch order, that `takeable` allows (tasks queued
   * again come first: they were due earlier). -1 when there is none.
   */
  nextAnchor (takeable: (idx: number) => boolean): number {
    const { tasks } = this.job
    for (let i = 0; i < this.returned.length; i++) {
      const idx = this.order[this.returned[i]!]!
      if (tasks[idx]!.status !== 'queued') {
        this.returned.splice(i--, 1)
        continue
      }
      if (takeable(idx)) return idx
    }
    this.advanceCursor()
    for (let pos = this.cursor; pos < this.order.length; pos++) {
      const idx = this.order[pos]!
      if (tasks[idx]!.status === 'queued' && takeable(idx)) return idx
    }
    return -1
  }

  /**
   * Grows a run around its anchor with neighbouring queued, untouched tasks (forward first, then
   * backward) until it holds `maxFrames` frames, so consecutive frames render in one Blender.
   */
  grow (anchor: number, maxFrames: number, takeable: (idx: number) => boolean): number[] {
    const { tasks } = this.job
    const fresh = (idx: number) => {
      const t = tasks[idx]
      return t !== undefined && t.status === 'queued' && (t.framesDone?.length ?? 0) === 0 && takeable(idx)
    }
    const picked = [anchor]
    let frames = remaining(tasks[anchor]!)
    for (let idx = anchor + 1; frames < maxFrames && fresh(idx) && frames + tasks[idx]!.frames.length <= maxFrames; idx++) {
      picked.push(idx)
      frames += tasks[idx]!.frames.length
    }
    if ((tasks[anchor]!.framesDone?.length ?? 0) === 0) {
      for (let idx = anchor - 1; frames < maxFrames && fresh(idx) && frames + tasks[idx]!.frames.length <= maxFrames; idx--) {
        picked.unshift(idx)
        frames += tasks[idx]!.frames.length
      }
    }
    return picked
  }

  /** Frames still to render of these tasks, ascending. */
  framesOf (idxs: number[]): number[] {
    const out: number[] = []
    for (const idx of idxs.length > 1 ? [...idxs].sort((a, b) => a - b) : idxs) {
      const t = this.job.tasks[idx]!
      const done = t.framesDone
      if (done === undefined || done.length === 0) {
        for (const f of t.frames) out.push(f)
        continue
      }
      const skip = new Set(done)
      for (const f of t.frames) if (!skip.has(f)) out.push(f)
    }
    return out
  }
}
