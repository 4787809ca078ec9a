// Numbers for the charts' axes: round ticks from zero up to at least the largest value, a linear map
// from values to the drawing, and which of many category labels to write so they do not overlap.

/** 0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `max`; about `count` of them. */
export function niceTicks (max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1]
  const raw = max / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw
  const ticks: number[] = []
  for (let i = 0; ; i++) {
    const value = Number((i * step).toPrecision(12))
    ticks.push(value)
    if (value >= max) return ticks
  }
}

/** Round ticks for a time axis in seconds: whole minutes or hours once the values reach them. */
export function timeTicks (max: number, count = 5): number[] {
  for (const unit of [3600, 60]) {
    if (max >= unit * 2) return niceTicks(max / unit, count).map((v) => v * unit)
  }
  return niceTicks(max, count)
}

/** Maps [d0, d1] onto [r0, r1]. */
export function linear (d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  const span = d1 - d0 || 1
  return (value) => r0 + ((value - d0) / span) * (r1 - r0)
}

/** Label every n-th of `count` categories so that labels `labelWidth` wide fit in `width`. */
export function labelEvery (count: number, width: number, labelWidth: number): number {
  if (count <= 0) return 1
  const fit = Math.max(1, Math.floor(width / labelWidth))
  const every = Math.ceil(count / fit)
  // Steps people count in: 1, 2, 5, 10, 20, 25, 50, 100 …
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) if (step >= every) return step
  return every
}
