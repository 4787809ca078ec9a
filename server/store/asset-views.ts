// What the API shows of a project's assets: each sidecar plus its file, its dependencies (linked
// libraries and those added by hand), its dependents and its true priority. Computed once per
// change of the project and cached, so reads cost nothing. The list sends a summary of each
// (api-asset-summary.schema.json); one asset's GET sends all of it.
import type { AssetSummary, AssetSummaryMeta, AssetView } from '../../schemas/generated/types.ts'
import { CachedJson } from '../routes/api/cached-json.ts'
import type { AssetEntry } from './asset-index.ts'
import type { DefaultsSet } from './defaults-sets.ts'
import type { FileLinks } from './blend-links.ts'

export interface ProjectViews {
  version: number
  list: AssetView[]
  byPath: Map<string, AssetView>
  /** The serialised asset list (summaries), sent as it is (and its ETag). */
  listJson: CachedJson
  etag: string
}

export function buildViews (version: number, entries: Iterable<AssetEntry>, links: ReadonlyMap<string, FileLinks>, set: DefaultsSet): ProjectViews {
  const all = [...entries]
  const known = new Set(all.map((e) => e.path))
  const deps = new Map<string, string[]>()
  const dependents = new Map<string, string[]>()
  for (const e of all) {
    const byHand = e.meta?.dependencies ?? []
    const linked = links.get(e.path)?.inside ?? []
    if (byHand.length + linked.length === 0) continue // most assets: nothing to merge
    const list = new Set<string>(byHand)
    for (const l of linked) list.add(l)
    list.delete(e.path)
    const sorted = [...list].sort()
    deps.set(e.path, sorted)
    for (const d of sorted) {
      if (!known.has(d)) continue
      const arr = dependents.get(d)
      if (arr) arr.push(e.path)
      else dependents.set(d, [e.path])
    }
  }
  const truePriority = truePriorities(all, dependents, set)
  const list: AssetView[] = all.map((e) => {
    const view: AssetView = {
      path: e.path,
      truePriority: truePriority.get(e.path) ?? 0,
      file: e.file ? (e.file.exists ? { exists: true, size: e.file.size, modified: e.file.modified } : { exists: false }) : null,
      dependencies: deps.get(e.path) ?? [],
      dependents: dependents.get(e.path)?.sort() ?? [],
    }
    if (e.meta) view.meta = e.meta
    if (e.broken) view.broken = e.broken
    const missing = links.get(e.path)?.missing
    if (missing?.length) view.missingLinks = missing
    return view
  })
  list.sort(byTruePriorityThenName)
  // Kept as bytes: encoding a large string on every request costs more than sending it.
  const listJson = new CachedJson(Buffer.from(JSON.stringify({ version, assets: list.map(summaryOf) })))
  return { version, list, byPath: new Map(list.map((v) => [v.path, v])), listJson, etag: `W/"${version}-${list.length}"` }
}

// One collator for every comparison: String.localeCompare sets one up per call (10,000 assets: ~0.1 s).
const collator = new Intl.Collator()

export function byTruePriorityThenName (a: AssetView, b: AssetView): number {
  return b.truePriority - a.truePriority || collator.compare(a.meta?.name ?? a.path, b.meta?.name ?? b.path)
}

/** What the asset list shows of one asset (each field written out: 10,000 of these at every change). */
export function summaryOf (view: AssetView): AssetSummary {
  const summary: AssetSummary = { path: view.path, truePriority: view.truePriority, file: view.file ? { exists: view.file.exists } : null }
  const m = view.meta
  if (m) {
    const meta: AssetSummaryMeta = { name: m.name, type: m.type, state: m.state, priority: m.priority }
    if (m.owner !== undefined) meta.owner = m.owner
    if (m.render !== undefined) meta.render = m.render
    if (m.video !== undefined) meta.video = m.video
    if (m.rating !== undefined) meta.rating = m.rating
    if (m.pipeline !== undefined) meta.pipeline = m.pipeline
    if (m.frameStart !== undefined) meta.frameStart = m.frameStart
    if (m.frameEnd !== undefined) meta.frameEnd = m.frameEnd
    summary.meta = meta
  }
  if (view.broken !== undefined) summary.broken = view.broken
  return summary
}

/**
 * An asset in a boostable state rises to just above the highest true priority of the assets that
 * depend on it (the priority scheme's 'boost'), so work others wait for comes first. Cycles are
 * cut: an asset on the current chain counts with its own priority.
 */
function truePriorities (all: AssetEntry[], dependents: Map<string, string[]>, set: DefaultsSet): Map<string, number> {
  const byPath = new Map(all.map((e) => [e.path, e]))
  const memo = new Map<string, number>()
  const onChain = new Set<string>()
  const boost = set.priority.boost ?? 1
  const visit = (path: string): number => {
    const known = memo.get(path)
    if (known !== undefined) return known
    const meta = byPath.get(path)?.meta
    if (!meta) return 0
    let p = meta.priority
    if (onChain.has(path)) return p
    if (set.priority.boosting && set.states.get(meta.state)?.boost) {
      onChain.add(path)
      for (const d of dependents.get(path) ?? []) p = Math.max(p, visit(d) + boost)
      onChain.delete(path)
    }
    memo.set(path, p)
    return p
  }
  for (const e of all) visit(e.path)
  return memo
}
