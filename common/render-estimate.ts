// How long an asset takes to render, from the render statistics the farm writes into its sidecar: the
// latest sample of each frame, their mean, and the whole frame range estimated (frames of the range
// rendered at their latest time, the others at the mean). The server sends it with each asset in the
// list (sorting by it, 'slowest files'); the asset's page charts the same frames.
import type { RenderStats, RenderTime } from '../schemas/generated/types.ts'

export interface FrameSample { frame: number, seconds: number, memoryMB?: number }

/** The latest sample of each frame, in frame order. */
export function latestFrames (stats: RenderStats | undefined): FrameSample[] {
  const frames: FrameSample[] = []
  for (const [key, samples] of Object.entries(stats?.frames ?? {})) {
    const latest = samples?.at(-1)
    const frame = Number(key)
    if (!latest || !Number.isInteger(frame)) continue
    frames.push(latest.memoryMB === undefined ? { frame, seconds: latest.seconds } : { frame, seconds: latest.seconds, memoryMB: latest.memoryMB })
  }
  return frames.sort((a, b) => a.frame - b.frame)
}

/** The range the estimate covers: the asset's frameStart..frameEnd when it has one. */
function hasRange (start: number | undefined, end: number | undefined): boolean {
  return start !== undefined && end !== undefined && end >= start && end - start < 1_000_000
}

/** The asset's render time, or undefined when no frame was ever rendered. */
export function renderTime (stats: RenderStats | undefined, frameStart?: number, frameEnd?: number): RenderTime | undefined {
  const frames = latestFrames(stats)
  if (frames.length === 0) return undefined
  let total = 0
  for (const f of frames) total += f.seconds
  const meanSeconds = total / frames.length
  if (!hasRange(frameStart, frameEnd)) return { meanSeconds, estimateSeconds: total, frames: frames.length, rendered: frames.length }
  let inRange = 0
  let rendered = 0
  for (const f of frames) {
    if (f.frame >= frameStart! && f.frame <= frameEnd!) { inRange += f.seconds; rendered++ }
  }
  const count = frameEnd! - frameStart! + 1
  return { meanSeconds, estimateSeconds: inRange + (count - rendered) * meanSeconds, frames: count, rendered }
}
