// Assets per state per day, replayed from each asset's history: the state an asset was in at the
// end of a day is the `to` of its last state change before then; before its first change, that
// change's `from`; with no change at all, the state it is in now. An asset counts from its
// 'created' event (or its sidecar's `created`); without either, on every day.
import type { HistoryEvent } from '../../schemas/generated/types.ts'
import type { Days } from './days.ts'

export interface AssetStates {
  /** The state now (from the sidecar). */
  state: string
  /** When the sidecar says it was made (ISO), if it says. */
  created?: string
  events: readonly HistoryEvent[]
}

interface Change { at: number, from: unknown, to: unknown }

/** Per state, how many assets were in it at the end of each day (the last day: now). */
export function statesPerDay (assets: Iterable<AssetStates>, days: Days, now: number): Map<string, number[]> {
  const out = new Map<string, number[]>()
  const n = days.keys.length
  const ends = days.bounds.slice(1).map((end) => Math.min(end, now + 1))
  const add = (state: string, day: number) => {
    let counts = out.get(state)
    if (!counts) { counts = new Array<number>(n).fill(0); out.set(state, counts) }
    counts[day]!++
  }
  for (const asset of assets) {
    let born = asset.created ? Date.parse(asset.created) : Number.NEGATIVE_INFINITY
    const changes: Change[] = []
    for (const e of asset.events) {
      const at = Date.parse(e.at)
      if (!Number.isFinite(at)) continue
      if (e.kind === 'created') born = at
      else if (e.kind === 'state' && typeof e.to === 'string') changes.push({ at, from: e.from, to: e.to })
    }
    if (Number.isNaN(born)) born = Number.NEGATIVE_INFINITY
    changes.sort((a, b) => a.at - b.at)
    const first = changes[0]
    let state = first ? (typeof first.from === 'string' ? first.from : String(first.to)) : asset.state
    let next = 0
    for (let day = 0; day < n; day++) {
      const end = ends[day]!
      while (next < changes.length && changes[next]!.at < end) state = changes[next++]!.to as string
      if (born < end) add(state, day)
    }
  }
  return out
}
