// True priorities: an asset in a boostable state rises to just above the highest true priority of
// the assets that depend on it (the priority scheme's 'boost'), so work others wait for comes first.
// Cycles are cut: an asset on the current chain counts with its own priority. What a cut gives
// depends on where the walk entered the cycle, so with cycles only a walk of every asset in the
// index's order gives the answer; without, an asset's true priority depends only on its dependents.
import type { AssetEntry } from './asset-index.ts'
import type { DefaultsSet } from './defaults-sets.ts'
import type { DependencyGraph } from './dependency-graph.ts'

/** The walk: `memo` holds what is known (assets without meta are never in it: they count 0). */
function walker (entries: ReadonlyMap<string, AssetEntry>, graph: DependencyGraph, set: DefaultsSet, memo: Map<string, number>): (path: string) => number {
  const onChain = new Set<string>()
  const boost = set.priority.boost ?? 1
  const visit = (path: string): number => {
    const known = memo.get(path)
    if (known !== undefined) return known
    const meta = entries.get(path)?.meta
    if (!meta) return 0
    let p = meta.priority
    if (onChain.has(path)) return p
    if (set.priority.boosting && set.states.get(meta.state)?.boost) {
      onChain.add(path)
      for (const d of graph.dependents(path)) p = Math.max(p, visit(d) + boost)
      onChain.delete(path)
    }
    memo.set(path, p)
    return p
  }
  return visit
}

/** Every asset's true priority, from scratch (the graph's dependents in the index's order). */
export function truePriorities (entries: ReadonlyMap<string, AssetEntry>, graph: DependencyGraph, set: DefaultsSet): Map<string, number> {
  const memo = new Map<string, number>()
  const visit = walker(entries, graph, set, memo)
  for (const path of entries.keys()) visit(path)
  return memo
}

/**
 * Recomputes in `tp` the true priorities of `affected` (the changed assets and everything they
 * depend on), taking every other one as it is. Only for a graph without cycles there, where that
 * gives what truePriorities() would. Returns the paths whose true priority changed.
 */
export function updateTruePriorities (tp: Map<string, number>, affected: ReadonlySet<string>, entries: ReadonlyMap<string, AssetEntry>, graph: DependencyGraph, set: DefaultsSet): string[] {
  const before = new Map<string, number | undefined>()
  for (const path of affected) { before.set(path, tp.get(path)); tp.delete(path) }
  const visit = walker(entries, graph, set, tp)
  for (const path of affected) visit(path)
  return [...affected].filter((path) => tp.get(path) !== before.get(path))
}
