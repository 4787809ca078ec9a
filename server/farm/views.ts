// What the Rendering page sees of jobs and nodes: the job file's fields without the tasks, plus
// counts, progress, statistics and the latest failure; each node with what it renders now.
import type { FarmNodeView, Job, JobView, RenderRef, TaskFailure } from '../../schemas/generated/types.ts'
import type { JobRuntime, Run } from './job-runtime.ts'
import type { NodeState } from './node-registry.ts'
import { sandboxOf } from './sandbox-policy.ts'
import type { Said } from '../../common/sentences.ts'

/** The file's path inside its project ('data::red/shots/a.blend' in 'data::red' -> 'shots/a.blend'). */
export function relativeToProject (file: string, projectDir: string | undefined): string {
  if (projectDir) {
    const base = projectDir.replace(/\/+$/, '')
    const prefix = base.endsWith('::') ? base : `${base}/`
    if (file.startsWith(prefix)) return file.slice(prefix.length)
  }
  return file.slice(file.indexOf('::') + 2)
}

/** A job as an asset's history names it. */
export function renderRef (job: Job): RenderRef {
  return { job: job.id, name: job.name, frameStart: job.frameStart, frameEnd: job.frameEnd }
}

export function jobView (rt: JobRuntime, options: { path: string, preview: string | null, withTasks: boolean, cannotRender?: Said | null }): JobView {
  const { job } = rt
  const { tasks, revision: _revision, seenBy: _seenBy, film: _film, ...fields } = job
  const total = rt.totalFrames
  const mean = rt.measuredSeconds
  const nodes = [...new Set([...rt.runs].map((r) => r.node))].sort()
  let lastFailure: TaskFailure | undefined
  for (const t of tasks) for (const f of t.failures ?? []) if (!lastFailure || f.at >= lastFailure.at) lastFailure = f
  const left = rt.queuedFrames + rt.activeFrames
  const view: JobView = {
    ...fields,
    path: options.path,
    output: job.output ?? '',
    spread: job.spread ?? false,
    device: job.device ?? 'any',
    auto: job.auto ?? false,
    blocklist: [...rt.blocklist],
    warnings: job.warnings ?? [],
    counts: {
      frames: total,
      done: rt.doneFrames,
      active: rt.activeFrames,
      queued: rt.queuedFrames,
      failed: rt.failedFrames,
      cancelled: rt.cancelledFrames,
    },
    progress: total > 0 ? Math.min(1, rt.doneFrames / total) : 0,
    errors: rt.errors,
    nodes,
    meanFrameSeconds: mean,
    peakMemoryMB: rt.peakMemoryMB,
    estimatedSecondsLeft: mean === null ? null : (left * mean) / Math.max(1, rt.runs.size),
    preview: options.preview,
  }
  if (rt.fastest) view.fastestFrame = rt.fastest
  if (rt.slowest) view.slowestFrame = rt.slowest
  if (lastFailure) view.lastFailure = lastFailure
  if (options.cannotRender) view.cannotRender = { message: options.cannotRender.text, sentence: options.cannotRender.sentence }
  // Tasks keep empty lists out of memory; the API always shows them.
  if (options.withTasks) view.tasks = tasks.map((t) => ({ ...t, framesDone: t.framesDone ?? [], samples: t.samples ?? [], failures: t.failures ?? [] }))
  return view
}

export function nodeView (state: NodeState, runs: Run[], now: number, overdueMs: number): FarmNodeView {
  const r = state.record
  const view: FarmNodeView = {
    name: r.name,
    version: r.version,
    blenders: r.blenders ?? [],
    devices: r.devices ?? [{ type: 'CPU', count: 1 }],
    provides: r.provides,
    shares: r.shares,
    processes: r.processes,
    paused: r.paused,
    singleUse: r.singleUse ?? false,
    lastSeen: new Date(state.lastSeen || Date.parse(r.lastSeen)).toISOString(),
    online: state.online,
    overdue: state.online && now - state.lastSeen > overdueMs,
    sandbox: sandboxOf(r),
    runs: runs.map((run) => ({
      job: run.job.id,
      jobName: run.job.job.name,
      project: run.job.project,
      frames: run.job.framesOf([...run.tasks]),
      since: new Date(run.started).toISOString(),
    })),
  }
  if (r.blenderVersion !== undefined) view.blenderVersion = r.blenderVersion
  return view
}
