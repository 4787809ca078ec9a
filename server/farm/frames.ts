// Frame ranges, chunks and the order tasks are handed out in. Pure functions.
import { badRequest } from '../errors.ts'
import { say } from '../../common/sentences.ts'

/** Most frames one job may have: its file stays small enough to rewrite quickly. */
export const MAX_FRAMES_PER_JOB = 100_000

/** Frames start, start+step, … up to end. Refuses reversed ranges and absurd sizes with a 400. */
export function frameList (start: number, end: number, step = 1): number[] {
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw badRequest('RFAM_BAD_FRAMES', say('error:frames-whole'))
  if (!Number.isInteger(step) || step < 1) throw badRequest('RFAM_BAD_FRAMES', say('error:frame-step', { step }))
  if (end < start) throw badRequest('RFAM_BAD_FRAMES', say('error:frames-swapped', { start, end }))
  const count = Math.floor((end - start) / step) + 1
  if (count > MAX_FRAMES_PER_JOB) throw badRequest('RFAM_BAD_FRAMES', say('error:too-many-frames', { count, max: MAX_FRAMES_PER_JOB }))
  const frames = new Array<number>(count)
  for (let i = 0; i < count; i++) frames[i] = start + i * step
  return frames
}

/** Consecutive chunks of at most `size` items. */
export function chunk<T> (items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw badRequest('RFAM_BAD_CHUNK', say('error:chunk', { size }))
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Indices 0..n-1 in "spread" order: first, last, then a breadth-first walk of midpoints (each
 * range split at its middle, the middle first), ranges of fewer than 4 inner items in order.
 * For 8 items: 0,7,4,1,2,3,5,6 (the original's 1..8 -> 1,8,5,2,3,4,6,7). Glitches anywhere in a
 * shot show up after a few frames. Applied to tasks, so chunks of frames stay together.
 */
export function spreadOrder (n: number): number[] {
  if (n <= 0) return []
  if (n === 1) return [0]
  const out = [0, n - 1]
  const ranges: Array<[number, number]> = [[0, n - 1]] // exclusive bounds
  for (let head = 0; head < ranges.length; head++) {
    const [a, b] = ranges[head]!
    const inner = b - a - 1
    if (inner <= 0) continue
    if (inner < 4) {
      for (let i = a + 1; i < b; i++) out.push(i)
      continue
    }
    const mid = Math.floor((a + b + 1) / 2)
    out.push(mid)
    ranges.push([a, mid], [mid, b])
  }
  return out
}

/** Indices 0..n-1 in order. */
export function sequentialOrder (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
