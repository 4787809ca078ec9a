// The dashboard's days: the last n calendar days on the server's clock, today the last. A day is
// local midnight to local midnight (Date does the arithmetic, so a day of a clock change is 23 or 25 hours).

export interface Days {
  /** YYYY-MM-DD of each day, oldest first. */
  keys: string[]
  /** Where each day starts, in ms; one more entry: the end of the last day. */
  bounds: number[]
}

const two = (n: number) => String(n).padStart(2, '0')

export function lastDays (count: number, now: number): Days {
  const today = new Date(now)
  const keys: string[] = []
  const bounds: number[] = []
  for (let i = count - 1; i >= -1; i--) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i)
    bounds.push(day.getTime())
    if (i >= 0) keys.push(`${day.getFullYear()}-${two(day.getMonth() + 1)}-${two(day.getDate())}`)
  }
  return { keys, bounds }
}

/** The day a moment falls in, or -1 outside the days. */
export function dayOf (days: Days, ms: number): number {
  const { bounds } = days
  if (!(ms >= bounds[0]!) || ms >= bounds.at(-1)!) return -1
  let low = 0
  let high = bounds.length - 2
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (bounds[mid]! <= ms) low = mid
    else high = mid - 1
  }
  return low
}

/** Adds the seconds of [from, to) (ms) to each day they cover, split at midnight. */
export function spread (days: Days, from: number, to: number, into: number[]): void {
  const { bounds } = days
  const start = Math.max(from, bounds[0]!)
  const end = Math.min(to, bounds.at(-1)!)
  if (!(end > start)) return
  for (let d = dayOf(days, start); d >= 0 && d < into.length && bounds[d]! < end; d++) {
    into[d]! += (Math.min(end, bounds[d + 1]!) - Math.max(start, bounds[d]!)) / 1000
  }
}
