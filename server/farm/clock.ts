// Time, injected: the farm's timeouts, long polls and stamps read this clock, so tests can move
// time by hand (ManualClock) and stay deterministic.
export interface Clock {
  now: () => number
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => { const h = setTimeout(fn, ms); h.unref?.(); return h },
  clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout) },
}

/** A clock that only moves when told to; timers fire in order as it passes them. */
export class ManualClock implements Clock {
  private timers: Array<{ at: number, fn: () => void, id: number }> = []
  private nextId = 1

  constructor (private t = Date.parse('2025-07-14T09:00:00Z')) {}

  now = (): number => this.t

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id })
    return id
  }

  clearTimeout = (handle: unknown): void => { this.timers = this.timers.filter((x) => x.id !== handle) }

  advance (ms: number): void {
    const end = this.t + ms
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id)
      const next = this.timers[0]
      if (!next || next.at > end) break
      this.timers.shift()
      this.t = next.at
      next.fn()
    }
    this.t = end
  }
}

/** A repeatable random source (mulberry32), for deterministic scheduling in tests. */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
