// A wait that ends early, without an error, when the program stops: the node's and the prenode's
// pauses between retries. Node's own timers/promises removes its abort listener when the wait is
// over, so a program that retries for weeks does not pile listeners on its stop signal.
import { setTimeout as wait } from 'node:timers/promises'

/** Waits `ms`, or until `signal` aborts, whichever comes first. */
export async function sleepUnlessAborted (ms: number, signal: AbortSignal): Promise<void> {
  await wait(ms, undefined, { signal }).catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err
  })
}
