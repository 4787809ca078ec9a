// A run on a render node as the node follows it (render-node.ts), and its progress reports: frames
// written since the last report and the frame being rendered, one report at a time (more wait for
// the next); a refusal (409) stops the run, a lost session makes the node say hello again.
import type { FarmTask, FrameSamples } from '../schemas/generated/types.ts'
import type { Said } from '../common/sentences.ts'
import { missingField } from './blender-output.ts'
import type { BlenderProcess } from './blender-process.ts'
import type { BlenderSession } from './blender-session.ts'
import { ServerError } from '../common/farm-call.ts'
import type { FarmClient } from '../common/farm-client.ts'

export interface ActiveRun {
  task: FarmTask
  slot: number
  blender: BlenderProcess | BlenderSession | null
  /** Frames written and not yet acknowledged by the server. */
  pending: FrameSamples
  written: Set<number>
  output?: string
  /** File name of the node's JPEG of a recent frame, for output a browser cannot show. */
  preview?: string
  cancelled: boolean
  reporting: Promise<void> | null
  again: boolean
  heartbeat: NodeJS.Timeout | null
  /** Frames on their way to the server (a node without the share), in order; then reported. */
  uploads: Promise<void>
  uploadProblem?: Said
  /** A video's frames written (a node without the share sends the movie once Blender has ended). */
  movieFrames?: Array<{ file: string, reported: () => void }>
}

export interface ReportContext {
  node: string
  session: () => string | null
  client: FarmClient
  cancel: (why: string) => void
  lostSession: () => void
}

/** Sends frames written so far (one report at a time; more wait for the next). */
export function sendReport (run: ActiveRun, ctx: ReportContext): Promise<void> {
  if (run.reporting) {
    run.again = true
    return run.reporting
  }
  run.reporting = (async () => {
    do {
      run.again = false
      const session = ctx.session()
      if (run.cancelled || !session) return
      const frames = run.pending.splice(0)
      const current = run.blender?.output.current
      try {
        const reply = await ctx.client.farmReport({
          node: ctx.node,
          session,
          job: run.task.job,
          tasks: run.task.tasks,
          frames,
          ...(current !== null && current !== undefined ? { current } : {}),
          ...(run.output ? { output: run.output } : {}),
          ...(run.preview ? { preview: run.preview } : {}),
          ...missingField(run.blender?.output),
        })
        if (reply.cancel) ctx.cancel('the server asked to stop it')
      } catch (err) {
        run.pending.unshift(...frames)
        if (err instanceof ServerError && err.status === 409) ctx.cancel(err.message)
        else if (err instanceof ServerError && err.code === 'RFAM_NODE_SESSION') ctx.lostSession()
        return // the next report, or done/failed, carries the frames
      }
    } while (run.again)
  })().finally(() => { run.reporting = null })
  return run.reporting
}
