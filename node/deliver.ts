// Sends a run's last word (done or failed) until the server has it: through a lost session (the
// node says hello again meanwhile), a server away (backing off), but not past a refusal (4xx).
import type { FarmDone, FarmReportReply } from '../schemas/generated/types.ts'
import { ServerError } from '../common/farm-call.ts'
import type { Log } from '../common/log.ts'
import type { Pacing } from './pacing.ts'

/** Which node, session and run a done or failed message is about. */
export type RunAbout = Pick<FarmDone, 'node' | 'session' | 'job' | 'tasks'>

export interface DeliverContext {
  node: string
  session: () => string | null
  stopping: () => boolean
  lostSession: () => void
  pacing: Pacing
  log: Log
}

/** The server's reply, or null when it refused the message for good (or the node stops). */
export async function deliver (ctx: DeliverContext, run: { job: string, tasks: FarmDone['tasks'], ids: object }, what: 'done' | 'failed', send: (about: RunAbout) => Promise<FarmReportReply>): Promise<FarmReportReply | null> {
  let tries = 0
  while (!ctx.stopping() || tries === 0) {
    tries++
    const session = ctx.session()
    if (!session) {
      await ctx.pacing.sleep(200)
      if (ctx.stopping()) return null
      continue
    }
    try {
      return await send({ node: ctx.node, session, job: run.job, tasks: run.tasks })
    } catch (err) {
      if (err instanceof ServerError && err.code === 'RFAM_NODE_SESSION') { ctx.lostSession(); continue }
      if (err instanceof ServerError && err.status >= 400 && err.status < 500) {
        ctx.log.warn({ ...run.ids, report: what, reason: err.message }, 'the server refused a report')
        return null
      }
      await ctx.pacing.sleep(ctx.pacing.backoff())
    }
  }
  return null
}
