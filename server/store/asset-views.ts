// What the API shows of a project's assets: each sidecar plus its file, its dependencies (linked
// libraries and those added by hand), its dependents and its true priority. The list sends a summary
// of each (api-asset-summary.schema.json); one asset's GET sends all of it. buildViews() computes
// all of it from scratch: the definition live-views.ts keeps up to date one change at a time.
import type { AssetSummary, AssetSummaryMeta, AssetView } from '../../schemas/generated/types.ts'
import { CachedJson } from './cached-json.ts'
import type { AssetEntry } from './asset-index.ts'
import type { DefaultsSet } from './defaults-sets.ts'
import type { FileLinks } from './blend-links.ts'
import { DependencyGraph } from './dependency-graph.ts'
import { truePriorities } from './true-priorities.ts'
import { renderTime } from '../../common/render-estimate.ts'

/**
 * The assets' pictures, by path: the tag of the thumbnail Blender stored in the .blend, and of the
 * preview of the latest frame the farm rendered of it (the farm says which: there is a picture to send).
 */
export interface AssetPictures {
  readonly blend: ReadonlyMap<string, string>
  readonly rendered: ReadonlyMap<string, string>
}

/** No pictures known (yet). */
export const NO_PICTURES: AssetPictures = { blend: new Map(), rendered: new Map() }

export interface ProjectViews {
  version: number
  /** Every view, highest true priority first (byTruePriorityThenName). */
  readonly list: AssetView[]
  readonly byPath: ReadonlyMap<string, AssetView>
  /** The serialised asset list (summaries), sent as it is (and its ETag). */
  readonly listJson: CachedJson
  etag: string
}

export function buildViews (version: number, entries: ReadonlyMap<string, AssetEntry>, links: ReadonlyMap<string, FileLinks>, set: DefaultsSet, pictures = NO_PICTURES): ProjectViews {
  const graph = DependencyGraph.of(entries.values(), links)
  const tp = truePriorities(entries, graph, set)
  const list: AssetView[] = []
  for (const e of entries.values()) list.push(viewOf(e, graph, tp.get(e.path) ?? 0, links.get(e.path), pictures))
  list.sort(byTruePriorityThenName)
  return { version, list, byPath: new Map(list.map((v) => [v.path, v])), listJson: listJsonOf(version, list), etag: listEtag(version, list.length) }
}

export function listEtag (version: number, count: number): string { return `W/"${version}-${count}"` }

/**
 * One asset's view (written field by field: at a full rebuild, 10,000 of these). `thumbnail`: the tag
 * of its picture: a renderable asset the farm has rendered shows its latest frame, others the
 * thumbnail in their .blend when it holds one.
 */
export function viewOf (e: AssetEntry, graph: DependencyGraph, truePriority: number, links: FileLinks | undefined, pictures: AssetPictures): AssetView {
  const deps = graph.dependencies(e.path)
  const dependents = graph.dependents(e.path)
  const view: AssetView = {
    path: e.path,
    truePriority,
    file: e.file ? (e.file.exists ? { exists: true, size: e.file.size, modified: e.file.modified } : { exists: false }) : null,
    // The graph replaces its lists rather than changing them, so a view may share them.
    dependencies: deps.length ? deps as string[] : [],
    dependents: dependents.length ? [...dependents].sort() : [],
  }
  if (e.meta) view.meta = e.meta
  if (e.broken) view.broken = e.broken
  const missing = links?.missing
  if (missing?.length) view.missingLinks = missing
  const picture = (e.meta?.render ? pictures.rendered.get(e.path) : undefined) ?? (e.file?.exists ? pictures.blend.get(e.path) : undefined)
  if (picture !== undefined) view.thumbnail = picture
  return view
}

// One collator for every comparison: String.localeCompare sets one up per call (10,000 assets: ~0.1 s).
const collator = new Intl.Collator()

/** Highest true priority first, then by name; then by path, so the order never depends on the walk's. */
export function byTruePriorityThenName (a: AssetView, b: AssetView): number {
  return b.truePriority - a.truePriority || collator.compare(a.meta?.name ?? a.path, b.meta?.name ?? b.path) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
}

/** What the asset list shows of one asset (each field written out: 10,000 of these at a full rebuild). */
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
    const time = m.renderStats ? renderTime(m.renderStats, m.frameStart, m.frameEnd) : undefined
    if (time) summary.renderTime = time
  }
  if (view.broken !== undefined) summary.broken = view.broken
  if (view.thumbnail !== undefined) summary.thumbnail = view.thumbnail
  return summary
}

/** Each view's summary as JSON, made once per view: a change of one asset serialises only its own. */
const summaryJson = new WeakMap<AssetView, string>()

/**
 * The list as sent: {"version":…,"assets":[summaries]}, byte for byte what JSON.stringify gives.
 * Kept as bytes: encoding a large string on every request costs more than sending it.
 */
export function listJsonOf (version: number, list: readonly AssetView[]): CachedJson {
  const parts = new Array<string>(list.length)
  for (let i = 0; i < list.length; i++) {
    const view = list[i]!
    let json = summaryJson.get(view)
    if (json === undefined) { json = JSON.stringify(summaryOf(view)); summaryJson.set(view, json) }
    parts[i] = json
  }
  return new CachedJson(Buffer.from(`{"version":${JSON.stringify(version)},"assets":[${parts.join(',')}]}`))
}
