// The one way tests wait for something that happens on its own (a file watcher, a real process, a
// page in Chromium): poll `check` until it returns something truthy, and return that. A check that
// throws counts as "not yet"; after `timeoutMs` the test fails naming `what` (and the last error).
// Tests assert the outcome, never how long it took; where the time is a figure worth printing,
// measure around the call.
export interface UntilOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number
  /** Look again after this long (default 50 ms). */
  stepMs?: number
}

export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>

export async function until<T> (what: string, check: () => T | Promise<T>, options: UntilOptions = {}): Promise<Truthy<T>> {
  const { timeoutMs = 10_000, stepMs = 50 } = options
  const deadline = performance.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value as Truthy<T>
      last = undefined
    } catch (error) {
      last = error
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`)
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
}
