// The prenode's loop: ask the server (a long poll) for jobs this prenode has not acted on, run the
// configured command once for the whole batch, and acknowledge the batch only after the command
// exited 0. A failing command is logged and retried next round; an unreachable server is logged
// once per outage and retried with back-off. Never twice for one job: the server keeps each
// acknowledged job's `seenBy`, and the local state file keeps batches between command and ack.
// Every request has a timeout: a held poll is given up a little after the server's long poll,
// which each reply says; until the prenode knows it (at start, after a poll timed out) it asks
// without waiting.
import type { FarmPrenodeJob } from '../schemas/generated/types.ts'
import { describeCallError, HELD_MARGIN_MS, ServerClient, ServerError, ServerTimeout } from '../common/farm-call.ts'
import { farmClient, type FarmClient } from '../common/farm-client.ts'
import { createLogger, type Log } from '../common/log.ts'
import { sleepUnlessAborted } from '../common/sleep.ts'
import { batchOf, substitute } from './batch.ts'
import type { PrenodeSettings } from './config.ts'
import { LocalState } from './local-state.ts'
import { runCommand } from './run-command.ts'

/** The server refuses this prenode for good (unknown credential, a request it calls invalid). */
export class PrenodeRefused extends Error {}

export interface PrenodeOptions {
  /** Where its events go (fields: prenode, jobs, command, output …); a pino logger by default. */
  log?: Log
  random?: () => number
}

const ACK_CHUNK = 10_000
/** The long poll of a server that does not say (an older one): undici's own limit, as before. */
const UNSAID_LONG_POLL_MS = 300_000

export class Prenode {
  private readonly client: FarmClient
  private readonly log: Log
  private readonly random: () => number
  readonly state: LocalState
  private readonly stopSignal = new AbortController()
  private stopping = false
  private outageSince: number | null = null
  private failures = 0
  /** The server's long poll (ms), from its last reply; null until one said it. */
  private longPollMs: number | null = null

  constructor (readonly settings: PrenodeSettings, options: PrenodeOptions = {}) {
    this.client = farmClient(new ServerClient(settings.server, settings.credential))
    this.log = options.log ?? createLogger({ name: 'prenode', level: settings.logLevel })
    this.random = options.random ?? Math.random
    this.state = new LocalState(settings.stateFile)
  }

  /** Runs until stop(); rejects with PrenodeRefused when the server will never accept it. */
  async run (): Promise<void> {
    const s = this.settings
    this.log.info({ prenode: s.name, server: s.server, provides: s.provides, command: s.command }, 'prenode watching')
    const pending = this.state.pending()
    if (pending.length > 0) this.log.info({ prenode: s.name, count: pending.length }, 'jobs from before a restart already had the command run: acknowledging them (the command is not run again)')
    while (!this.stopping) {
      await this.ackPending()
      if (this.stopping) break
      const jobs = await this.poll()
      if (jobs === null) continue
      if (jobs.length === 0) {
        if (!s.longPoll) await this.sleep(s.checkSeconds * 1000)
        continue
      }
      await this.round(jobs)
      await this.sleep(s.checkSeconds * 1000)
    }
    // Stopped right after a command: its batch gets one try now, and the state file keeps it otherwise.
    await this.ackPending()
    this.log.info({ prenode: s.name }, 'prenode stopped')
  }

  /** Ends run() after the command running now (if any) finished and was acknowledged. */
  stop (): void {
    this.stopping = true
    this.stopSignal.abort()
  }

  /** New jobs for this prenode, or null after an error (already waited for). */
  private async poll (): Promise<FarmPrenodeJob[] | null> {
    try {
      const wait = this.settings.longPoll && this.longPollMs !== null
      const reply = await this.client.prenodePoll({ name: this.settings.name, provides: this.settings.provides, maxNodes: this.settings.maxNodes, wait }, { signal: this.stopSignal.signal, timeoutMs: wait ? this.longPollMs! + HELD_MARGIN_MS : undefined })
      this.longPollMs = reply.longPollSeconds !== undefined ? reply.longPollSeconds * 1000 : UNSAID_LONG_POLL_MS
      this.reachable()
      return reply.jobs
    } catch (err) {
      if (this.stopping) return null
      // Frozen, or restarted with a longer long poll: ask without waiting first to learn it again.
      if (err instanceof ServerTimeout) this.longPollMs = null
      await this.trouble(err, 'asking for jobs')
      return null
    }
  }

  private async round (jobs: FarmPrenodeJob[]): Promise<void> {
    const s = this.settings
    const batch = batchOf(jobs, s)
    if (batch.nodes === 0) return
    const command = substitute(s.command, batch)
    const listed = jobs.slice(0, 20).map((j) => ({ job: j.id, project: j.project, nodes: batch.perJob[j.id] ?? 0, ...(j.video ? { video: true } : { framesLeft: j.framesLeft }) }))
    this.log.info({ prenode: s.name, count: batch.jobs, jobs: listed, nodes: batch.nodes, frames: batch.frames, ...(batch.uncapped > batch.frames ? { uncapped: batch.uncapped } : {}) }, 'new jobs')
    this.log.info({ prenode: s.name, command }, 'running the command')
    const result = await runCommand(command, {
      env: { RFAM_NODES: String(batch.nodes), RFAM_FRAMES: String(batch.frames), RFAM_JOBS: String(batch.jobs), RFAM_PRENODE: s.name },
      timeoutMs: s.commandTimeoutSeconds * 1000,
    })
    const output = result.output ? { output: result.output } : {}
    if (!result.ok) {
      this.log.error({ prenode: s.name, reason: result.problem, retrySeconds: s.checkSeconds, ...output }, 'command failed: these jobs are offered again and the command retried')
      return
    }
    this.log.info({ prenode: s.name, count: batch.jobs, jobs: batch.ids.slice(0, 20), ...output }, 'command done')
    await this.state.add({ jobs: batch.ids, nodes: batch.perJob, frames: batch.frames, at: new Date().toISOString() })
  }

  /** Acknowledges every batch whose command ran, until the server has them all (or we stop). */
  private async ackPending (): Promise<void> {
    for (;;) {
      const ids = this.state.pending().slice(0, ACK_CHUNK)
      if (ids.length === 0) return
      try {
        await this.client.prenodeAck({ name: this.settings.name, jobs: ids as [string, ...string[]], nodes: this.state.nodesOf(ids) }) // not empty: see above
        this.reachable()
        await this.state.confirmed(ids)
      } catch (err) {
        // While stopping, one failed try is enough: the state file keeps them for the next start.
        if (this.stopping) return
        await this.trouble(err, 'acknowledging jobs')
      }
    }
  }

  private reachable (): void {
    if (this.outageSince !== null) {
      this.log.info({ prenode: this.settings.name, outageSeconds: Math.round((Date.now() - this.outageSince) / 1000) }, 'the server answers again')
      this.outageSince = null
    }
    this.failures = 0
  }

  private async trouble (err: unknown, what: string): Promise<void> {
    if (err instanceof ServerError && (err.status === 401 || err.status === 403 || err.status === 400)) {
      this.stop()
      throw new PrenodeRefused(`The server refuses this prenode (${what}): ${err.message}`)
    }
    const wait = this.backoff()
    if (this.outageSince === null) {
      this.outageSince = Date.now()
      const why = err instanceof ServerError ? `it answered ${err.status}: ${err.message}` : describeCallError(err)
      this.log.warn({ prenode: this.settings.name, reason: why, retryMaxSeconds: this.settings.retrySeconds * 10 }, `cannot reach the server ${what}: trying again with back-off, quietly until it answers`)
    }
    await this.sleep(wait)
  }

  private backoff (): number {
    const base = this.settings.retrySeconds * 1000
    const ms = Math.min(base * 10, base * 2 ** this.failures++)
    return ms * (0.9 + 0.2 * this.random())
  }

  private sleep (ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.stopSignal.signal)
  }
}
