// A project's asset views (asset-views.ts says what they are) kept up to date one change at a time,
// always equal to what buildViews() would make from scratch. A change of an asset rebuilds its own
// view, those of the assets it starts or stops depending on (their dependents changed), and those
// whose true priority it changes: itself and what it depends on, transitively. Only next to a
// dependency cycle, whose true priorities depend on the order of the whole walk, does a change walk
// every asset. The sorted list and its JSON wait for the first read that wants them, so an edit's
// answer never waits for them.
import type { AssetView } from '../../schemas/generated/types.ts'
import type { CachedJson } from './cached-json.ts'
import type { AssetEntry } from './asset-index.ts'
import { byTruePriorityThenName, listEtag, listJsonOf, NO_PICTURES, viewOf, type AssetPictures, type ProjectViews } from './asset-views.ts'
import type { FileLinks } from './blend-links.ts'
import type { DefaultsSet } from './defaults-sets.ts'
import { DependencyGraph, dependenciesOf } from './dependency-graph.ts'
import { truePriorities, updateTruePriorities } from './true-priorities.ts'

export class LiveViews {
  private graph = new DependencyGraph()
  private tp = new Map<string, number>()
  private byPath = new Map<string, AssetView>()
  /** Assets changed (sidecar, file or links) since the views were last brought up to date. */
  private readonly dirty = new Set<string>()
  /** The defaults set the views were made with: another one means new true priorities for all. */
  private set?: DefaultsSet
  private version = -1
  /** Assets from which a dependency cycle can be reached: a change touching them walks every asset. */
  private nearCycles = new Set<string>()
  private sorted: AssetView[] = []
  /** Paths whose views changed (or went) since `sorted` was made. */
  private unsorted = new Set<string>()
  private json?: { version: number, body: CachedJson }
  private snapshot?: ProjectViews

  /** An asset's sidecar, file, links or thumbnail changed: its views follow at the next call of current(). */
  changed (path: string): void { this.dirty.add(path) }

  /**
   * The views of the project as the index is at `version`. The answer is meant to be used at once:
   * its list and JSON are made on first use, from the latest state.
   */
  current (version: number, entries: ReadonlyMap<string, AssetEntry>, links: ReadonlyMap<string, FileLinks>, set: DefaultsSet, pictures = NO_PICTURES): ProjectViews {
    if (this.snapshot && version === this.version && set === this.set) return this.snapshot
    // Many changes at once (the first reading of every .blend's links): a rebuild costs less.
    if (set !== this.set || this.dirty.size > Math.max(100, entries.size / 8)) this.rebuild(entries, links, set, pictures)
    else this.update(entries, links, set, pictures)
    this.version = version
    const live = this
    this.snapshot = {
      version,
      byPath: this.byPath,
      etag: listEtag(version, this.byPath.size),
      get list () { return live.list() },
      get listJson () { return live.listJson() },
    }
    return this.snapshot
  }

  private rebuild (entries: ReadonlyMap<string, AssetEntry>, links: ReadonlyMap<string, FileLinks>, set: DefaultsSet, pictures: AssetPictures): void {
    this.set = set
    this.dirty.clear()
    this.graph = DependencyGraph.of(entries.values(), links)
    this.tp = truePriorities(entries, this.graph, set)
    this.nearCycles = this.graph.nearCycles(entries.keys())
    this.byPath = new Map()
    for (const e of entries.values()) this.byPath.set(e.path, viewOf(e, this.graph, this.tp.get(e.path) ?? 0, links.get(e.path), pictures))
    this.sorted = [...this.byPath.values()].sort(byTruePriorityThenName)
    this.unsorted.clear()
  }

  private update (entries: ReadonlyMap<string, AssetEntry>, links: ReadonlyMap<string, FileLinks>, set: DefaultsSet, pictures: AssetPictures): void {
    if (this.dirty.size === 0) return
    const changed = [...this.dirty]
    this.dirty.clear()
    const isAsset = (p: string) => entries.has(p)
    const wasAsset = (p: string) => this.byPath.has(p)
    // Whose true priority may change: what the changed assets depended on before, and depend on now.
    const affected = new Set<string>()
    this.graph.dependencyClosure(changed, wasAsset, affected)
    const rebuild = new Set<string>(changed)
    for (const path of changed) {
      const entry = entries.get(path)
      const old = this.graph.dependencies(path)
      const next = entry ? dependenciesOf(entry, links.get(path)) : []
      this.graph.set(path, next)
      for (const d of old) if (!next.includes(d)) rebuild.add(d)
      for (const d of next) if (!old.includes(d)) rebuild.add(d)
    }
    // Those are walked alone only far from any cycle, before and after (see nearCycles): no new cycle
    // among them, none of them near an old one, and no new asset that one near a cycle depends on.
    const near = this.nearCycles
    const fromScratch = this.graph.dependencyClosure(changed, isAsset, affected) || anyOf(affected, near) ||
      changed.some((p) => isAsset(p) && !wasAsset(p) && anyOf(this.graph.dependents(p), near))
    let moved: Iterable<string>
    if (fromScratch) {
      // A cycle: its true priorities depend on the order of the whole walk (true-priorities.ts).
      this.graph = DependencyGraph.of(entries.values(), links)
      const tp = truePriorities(entries, this.graph, set)
      moved = [...new Set([...tp.keys(), ...this.tp.keys()])].filter((p) => tp.get(p) !== this.tp.get(p))
      this.tp = tp
      this.nearCycles = this.graph.nearCycles(entries.keys())
    } else {
      moved = updateTruePriorities(this.tp, affected, entries, this.graph, set)
    }
    for (const p of moved) rebuild.add(p)
    for (const path of rebuild) {
      const entry = entries.get(path)
      if (entry) this.byPath.set(path, viewOf(entry, this.graph, this.tp.get(path) ?? 0, links.get(path), pictures))
      else this.byPath.delete(path)
      this.unsorted.add(path)
    }
  }

  /** Every view in order: the changed ones sorted and merged into the last list. */
  private list (): AssetView[] {
    if (this.unsorted.size === 0) return this.sorted
    const changed = this.unsorted
    this.unsorted = new Set()
    if (changed.size * 8 > this.byPath.size) {
      this.sorted = [...this.byPath.values()].sort(byTruePriorityThenName)
      return this.sorted
    }
    const added: AssetView[] = []
    for (const p of changed) {
      const view = this.byPath.get(p)
      if (view) added.push(view)
    }
    added.sort(byTruePriorityThenName)
    const merged: AssetView[] = []
    let i = 0
    for (const view of this.sorted) {
      if (changed.has(view.path)) continue
      while (i < added.length && byTruePriorityThenName(added[i]!, view) < 0) merged.push(added[i++]!)
      merged.push(view)
    }
    while (i < added.length) merged.push(added[i++]!)
    this.sorted = merged
    return merged
  }

  private listJson (): CachedJson {
    if (this.json?.version !== this.version) this.json = { version: this.version, body: listJsonOf(this.version, this.list()) }
    return this.json.body
  }
}

function anyOf (paths: Iterable<string>, set: ReadonlySet<string>): boolean {
  if (set.size === 0) return false
  for (const p of paths) if (set.has(p)) return true
  return false
}
