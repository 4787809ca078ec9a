// How long the render node waits: between tries after an error (exponential back-off with jitter,
// as the server's welcome says, within the node's own ceiling), between heartbeats (jittered, so
// a farm's nodes do not report in step), and sleeps that end at once when the node stops.
import type { FarmWelcome } from '../schemas/generated/types.ts'
import { sleepUnlessAborted } from '../common/sleep.ts'

/**
 * The node's own ceiling on a wait between retries, whatever the server says (an older one said
 * 60 s) and before it said anything: an outage costs at most this much after the server is back.
 */
const BACKOFF_MAX_MS = 5000

export class Pacing {
  /** Errors in a row since the last answer. */
  private errors = 0

  /** `welcome`: the server's latest welcome (its back-off and jitter), null before the first. */
  constructor (private readonly welcome: () => FarmWelcome | null, private readonly random: () => number, private readonly stopped: AbortSignal) {}

  /** The server answered: the next error waits the shortest time again. */
  answered (): void {
    this.errors = 0
  }

  /** The wait after one more error in a row. */
  backoff (): number {
    const welcome = this.welcome()
    const factor = welcome?.backoffFactor ?? 2
    const max = Math.min((welcome?.backoffMaxSeconds ?? Infinity) * 1000, BACKOFF_MAX_MS)
    const base = Math.min(max, 1000 * factor ** this.errors++)
    return this.jittered(base)
  }

  jittered (ms: number): number {
    const jitter = this.welcome()?.jitter ?? 0.1
    return ms * (1 - jitter + 2 * jitter * this.random())
  }

  /** Resolves after `ms`, or at once when the node stops. */
  sleep (ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.stopped)
  }
}
