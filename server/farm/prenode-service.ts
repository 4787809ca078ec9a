// The prenode side of the farm (docs/farm-protocol.md, "Prenodes"): a prenode's poll (the jobs
// it is offered with the run plan, held open until there are some) and its acknowledgement (the
// jobs it ran its command for, and how many single-use nodes it started for each, which the
// scheduler then shares each job's frames among). Part of the farm (farm.ts, the facade).
import type { FarmPrenodeAck, FarmPrenodeJobs, FarmPrenodePoll } from '../../schemas/generated/types.ts'
import { HttpError } from '../errors.ts'
import type { FarmContext } from './farm-context.ts'
import { PrenodeNames } from './prenode-names.ts'
import { PrenodeWaiters, prenodeOffers, type PrenodeAsk, type PrenodeOffer } from './prenode-offers.ts'
import { Changes } from './task-moves.ts'

/** A prenode that does not say its maxNodes (an older one): at most this many nodes in its plan. */
const UNSAID_MAX_NODES = 1000

export class PrenodeService {
  private readonly names: PrenodeNames
  private readonly waiters: PrenodeWaiters

  constructor (private readonly ctx: FarmContext, private readonly longPollSeconds: () => number) {
    this.names = new PrenodeNames(ctx.deps.farmDir, ctx.clock.now, ctx.deps.log)
    this.waiters = new PrenodeWaiters(ctx.clock, (ask) => this.offers(ask))
  }

  load (): Promise<void> { return this.names.load() }

  /** Work may be waiting: held polls that now have jobs are answered. */
  wake (): void { this.waiters.wake() }

  close (): void { this.waiters.close() }

  private offers (ask: PrenodeAsk): PrenodeOffer {
    // No nodes started for a farm that can hand out nothing.
    if (this.ctx.readOnly) return { nodes: 0, jobs: [] }
    return prenodeOffers(this.ctx.scheduler.jobs.values(), ask, (prenode, job) => this.ctx.arrivals.owed(prenode, job))
  }

  private closing (): void {
    if (this.ctx.closed) throw new HttpError(503, 'RFAM_CLOSING', 'The server is stopping; try again in a moment.')
  }

  /**
   * A prenode's poll: the jobs it is offered, with the run plan; held open (unless `wait` is
   * false) until there are some or the long poll ends. The name belongs to the credential that
   * first used it (403 for any other).
   */
  async poll (msg: FarmPrenodePoll, credential: string, aborted?: AbortSignal): Promise<FarmPrenodeJobs> {
    this.closing()
    if (!this.names.owns(msg.name, credential)) {
      await this.names.bind(msg.name, credential)
      this.closing()
    }
    const ask: PrenodeAsk = { name: msg.name, provides: new Set(msg.provides), maxNodes: msg.maxNodes ?? UNSAID_MAX_NODES }
    const offer = this.offers(ask)
    // The long poll, so the prenode knows how long to wait for an answer before it gives up.
    const longPollSeconds = this.longPollSeconds()
    if (offer.jobs.length > 0 || msg.wait === false) return { longPollSeconds, ...offer }
    return { longPollSeconds, ...await this.waiters.hold(ask, longPollSeconds * 1000, aborted) }
  }

  /**
   * The prenode ran its command for these jobs: they are not offered to that name again (on disk
   * before the reply) unless its nodes leave work behind; the nodes it started are expected.
   */
  async ack (msg: FarmPrenodeAck, credential: string): Promise<void> {
    this.ctx.mustWrite()
    if (!this.names.owns(msg.name, credential)) await this.names.bind(msg.name, credential)
    const changes = new Changes()
    const jobs: string[] = []
    for (const id of msg.jobs) {
      const rt = this.ctx.scheduler.jobs.get(id)
      if (!rt) continue
      const seen = rt.job.seenBy?.includes(msg.name) ?? false
      // A second ack of the same batch (its reply was lost) expects no nodes twice.
      if (!seen || this.ctx.arrivals.owed(msg.name, id)) this.ctx.arrivals.expect(msg.name, id, msg.nodes?.[id] ?? 0)
      jobs.push(id)
      if (seen) continue
      rt.job.seenBy = [...(rt.job.seenBy ?? []), msg.name]
      changes.add(rt)
    }
    await this.ctx.commit(changes)
    if (jobs.length > 0) this.ctx.deps.log.info({ prenode: msg.name, jobs: jobs.slice(0, 20), count: jobs.length, ...(msg.nodes ? { nodes: Object.values(msg.nodes).reduce((a: number, b) => a + (b ?? 0), 0) } : {}) }, 'prenode started nodes')
  }
}
