// Which asset needs which: each asset's dependencies (listed by hand in its sidecar, or linked
// libraries read from its .blend) and, the other way round, who lists each path. Kept up to date
// one asset at a time, so an edit costs only the edges of the asset edited.
import type { AssetEntry } from './asset-index.ts'
import type { FileLinks } from './blend-links.ts'

const NONE: readonly string[] = Object.freeze([])

/** An asset's dependencies: those added by hand and the libraries its file links, sorted, itself left out. */
export function dependenciesOf (entry: AssetEntry, links: FileLinks | undefined): readonly string[] {
  const byHand = entry.meta?.dependencies ?? []
  const linked = links?.inside ?? []
  if (byHand.length + linked.length === 0) return NONE // most assets: nothing to merge
  const set = new Set<string>(byHand)
  for (const l of linked) set.add(l)
  set.delete(entry.path)
  return set.size === 0 ? NONE : [...set].sort()
}

export class DependencyGraph {
  /** Dependencies of each asset that has any. */
  private readonly deps = new Map<string, readonly string[]>()
  /**
   * Who lists each path as a dependency, whether that path is an asset or not (it may become one).
   * In the order the listing assets were added: from scratch that is the index's order, which the
   * true priorities of assets in a dependency cycle depend on (see true-priorities.ts).
   */
  private readonly listedBy = new Map<string, string[]>()

  /** The graph of every entry, in the index's order. */
  static of (entries: Iterable<AssetEntry>, links: ReadonlyMap<string, FileLinks>): DependencyGraph {
    const graph = new DependencyGraph()
    for (const e of entries) graph.set(e.path, dependenciesOf(e, links.get(e.path)))
    return graph
  }

  dependencies (path: string): readonly string[] { return this.deps.get(path) ?? NONE }

  /** The assets listing `path`, in the order they were added (all of them are assets). */
  dependents (path: string): readonly string[] { return this.listedBy.get(path) ?? NONE }

  /** Sets an asset's dependencies (none for an asset that is gone); returns those it had. */
  set (path: string, next: readonly string[]): readonly string[] {
    const old = this.dependencies(path)
    if (old === next || (old.length === next.length && old.every((d, i) => d === next[i]))) return old
    if (next.length) this.deps.set(path, next)
    else this.deps.delete(path)
    for (const d of old) if (!next.includes(d)) this.unlist(d, path)
    for (const d of next) if (!old.includes(d)) this.list(d, path)
    return old
  }

  private list (target: string, path: string): void {
    const by = this.listedBy.get(target)
    if (by) by.push(path)
    else this.listedBy.set(target, [path])
  }

  private unlist (target: string, path: string): void {
    const by = this.listedBy.get(target)!
    by.splice(by.indexOf(path), 1)
    if (by.length === 0) this.listedBy.delete(target)
  }

  /**
   * Adds to `into` the given assets and everything they depend on, transitively (only paths `isAsset`
   * accepts): every asset whose true priority a change of the given ones can touch. True when that
   * part of the graph holds a cycle.
   */
  dependencyClosure (paths: Iterable<string>, isAsset: (path: string) => boolean, into: Set<string>): boolean {
    // Colours of a depth-first walk: on the current chain (a cycle when met again), or finished.
    const onChain = new Set<string>()
    const done = new Set<string>()
    let cycle = false
    const visit = (path: string): void => {
      if (done.has(path)) return
      if (onChain.has(path)) { cycle = true; return }
      onChain.add(path)
      into.add(path)
      for (const d of this.dependencies(path)) if (isAsset(d)) visit(d)
      onChain.delete(path)
      done.add(path)
    }
    for (const p of paths) if (isAsset(p)) visit(p)
    return cycle
  }

  /**
   * The assets from which a dependency cycle can be reached, following dependents: those whose true
   * priority may depend on where a walk enters the cycle (true-priorities.ts). Found by taking away,
   * again and again, the assets none of the rest depends on: what never goes is near a cycle.
   */
  nearCycles (assets: Iterable<string>): Set<string> {
    const left = new Map<string, number>()
    const free: string[] = []
    for (const p of assets) {
      const n = this.dependents(p).length
      left.set(p, n)
      if (n === 0) free.push(p)
    }
    for (let p = free.pop(); p !== undefined; p = free.pop()) {
      left.delete(p)
      for (const d of this.dependencies(p)) {
        const n = left.get(d)
        if (n === undefined) continue // not an asset
        if (n === 1) free.push(d)
        left.set(d, n - 1)
      }
    }
    return new Set(left.keys())
  }
}
