// The views kept up to date one change at a time equal the views built from scratch, after every
// change of random sequences: priorities, states, names (ties included), dependencies by hand and
// linked (cycles and dangling ones included), files, broken sidecars, new and deleted assets, and a
// change of the defaults set. The index is played by a Map, as the store's index keeps it.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import type { Asset } from '../../schemas/generated/types.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import type { AssetEntry } from '../../server/store/asset-index.ts'
import { buildViews, type ProjectViews } from '../../server/store/asset-views.ts'
import type { FileLinks } from '../../server/store/blend-links.ts'
import { loadDefaultsSets, type DefaultsSet } from '../../server/store/defaults-sets.ts'
import { LiveViews } from '../../server/store/live-views.ts'

const sets = loadDefaultsSets(join(repoRoot, 'config', 'defaults'))
const baseSet = sets.get('Full HD Cycles')!
const STATES = [...baseSet.states.keys()]
const BOOSTING = STATES.filter((s) => baseSet.states.get(s)!.boost)

function random (seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

/**
 * Plays `steps` random changes on up to `count` assets. Without `cycles`, dependencies only on paths
 * sorting before. With: few assets, mostly boosting and with close priorities, so that what a cycle
 * gives depends on where the walk enters it and in which order it meets each asset's dependents.
 */
function play (t: Test, seed: number, { steps, count, cycles }: { steps: number, count: number, cycles: boolean }): void {
  const rnd = random(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: T[]): T => xs[int(xs.length)]!
  const priority = () => (cycles ? int(6) * 10 : int(101))
  const state = () => pick(cycles && rnd() < 0.85 ? BOOSTING : STATES)
  const paths = Array.from({ length: count }, (_, i) => `a/${String(i).padStart(2, '0')}.blend`)
  const entries = new Map<string, AssetEntry>()
  const links = new Map<string, FileLinks>()
  const live = new LiveViews()
  let set: DefaultsSet = baseSet
  let version = 0
  let stamp = 0

  const meta = (path: string, old?: Asset): Asset => old ?? {
    name: `Asset ${int(6)}`,
    description: '',
    type: 'prop',
    creator: 'mia',
    created: '2026-01-01T00:00:00.000Z',
    owner: pick(['mia', 'leo', null]),
    support: [],
    state: state(),
    priority: priority(),
    render: false,
    video: false,
    dependencies: [],
  }
  const put = (path: string, m: Asset | undefined, broken?: string) => {
    const file = path.endsWith('.blend') ? { exists: rnd() < 0.8, size: int(1000), modified: '2026-01-01T00:00:00.000Z', mtimeMs: ++stamp } : null
    entries.set(path, { path, file, sidecarMtimeMs: ++stamp, sidecarSize: 10, ...(m ? { meta: m } : {}), ...(broken ? { broken } : {}) })
  }
  const someDependency = (path: string): string | undefined => {
    const candidates = cycles ? paths : paths.filter((p) => p < path)
    if (candidates.length === 0) return undefined
    return rnd() < 0.05 ? path : pick(candidates) // now and then itself (left out of its dependencies)
  }
  for (const p of paths.slice(0, Math.ceil(count * 0.6))) put(p, meta(p))

  for (let step = 0; step < steps; step++) {
    const present = [...entries.keys()]
    const path = present.length ? pick(present) : pick(paths)
    const old = entries.get(path)?.meta
    const kind = int(13)
    let what = ''
    if (kind === 12) {
      // Several changes before the next read, brought up to date at once.
      const some = present.filter(() => rnd() < (rnd() < 0.5 ? 0.1 : 0.6))
      for (const p of some) {
        const m = entries.get(p)!.meta
        put(p, m && { ...m, priority: priority(), dependencies: rnd() < 0.5 ? m.dependencies : [someDependency(p) ?? p] })
        live.changed(p)
      }
      what = `${some.length} changes`
    } else if (kind === 0 || !old) {
      const p = pick(paths)
      if (entries.has(p)) { entries.delete(p); what = `delete ${p}` } else { put(p, meta(p)); what = `create ${p}` }
      live.changed(p)
    } else {
      let next: Asset | undefined = { ...old }
      let broken: string | undefined
      if (kind === 1) { next.priority = priority(); what = 'priority' }
      if (kind === 2) { next.state = state(); what = 'state' }
      if (kind === 3) { next.name = `Asset ${int(6)}`; what = 'name' }
      if (kind === 4 || kind === 5) {
        const d = someDependency(path)
        if (d) next.dependencies = [...new Set([...(old.dependencies ?? []), d])]
        what = `depend on ${d}`
      }
      if (kind === 6) { next.dependencies = (old.dependencies ?? []).filter(() => rnd() < 0.5); what = 'drop dependencies' }
      if (kind === 7) {
        const d = someDependency(path)
        const inside = d ? [d] : []
        if (rnd() < 0.3) links.delete(path)
        else links.set(path, { inside, missing: rnd() < 0.3 ? ['//gone.blend'] : [], outside: [] })
        what = 'links'
      }
      if (kind === 8) { next = undefined; broken = 'The sidecar is not valid JSON.'; what = 'broken' }
      if (kind === 9) { what = 'file only' }
      if (kind === 10) { entries.delete(path); put(path, next); what = 'deleted and made again' }
      if (kind === 11 && rnd() < 0.2) {
        set = rnd() < 0.5 ? baseSet : { ...baseSet, priority: { ...baseSet.priority, boosting: rnd() < 0.7, boost: 1 + int(5) } }
        what = `defaults set (boosting ${set.priority.boosting}, boost ${set.priority.boost})`
      } else if (kind !== 10) put(path, next, broken)
      live.changed(path)
    }
    version++
    const got = live.current(version, entries, links, set)
    const want = buildViews(version, entries, links, set)
    const same = JSON.stringify(got.list) === JSON.stringify(want.list) && got.etag === want.etag &&
      got.listJson.raw.equals(want.listJson.raw) && got.byPath.size === want.byPath.size &&
      [...want.byPath].every(([p, v]) => JSON.stringify(got.byPath.get(p)) === JSON.stringify(v))
    if (!same) {
      t.strictSame(got.list, want.list, `seed ${seed}, step ${step} (${what} ${path}): the list`)
      t.equal(got.listJson.raw.toString(), want.listJson.raw.toString(), 'the list JSON')
      t.equal(got.etag, want.etag, 'the ETag')
      return
    }
  }
  t.pass(`seed ${seed}: ${steps} changes, each time the same views as from scratch`)
}

t.test('without cycles, the views follow each change as a rebuild would make them', async (t) => {
  for (let seed = 1; seed <= 8; seed++) play(t, seed, { steps: 600, count: 40, cycles: false })
})

t.test('with cycles and links, the views follow each change as a rebuild would make them', async (t) => {
  for (let seed = 101; seed <= 124; seed++) play(t, seed, { steps: 600, count: 8, cycles: true })
})

/** An asset of priority `priority` listing `dependencies`, in a boosting state. */
function entry (path: string, priority: number, dependencies: string[]): AssetEntry {
  return {
    path,
    file: null,
    sidecarMtimeMs: 0,
    sidecarSize: 0,
    meta: { name: path, description: '', type: 'prop', creator: 'mia', created: '2026-01-01T00:00:00.000Z', owner: null, support: [], state: 'ns', priority, render: false, video: false, dependencies },
  }
}

/** Applies each change (an asset, or a path to delete) in turn; after each, the live views equal a rebuild. */
function follow (t: Test, first: AssetEntry[], changes: Array<AssetEntry | string>): ProjectViews {
  const entries = new Map(first.map((e) => [e.path, e]))
  const live = new LiveViews()
  let version = 1
  live.current(version, entries, new Map(), baseSet)
  for (const change of changes) {
    if (typeof change === 'string') entries.delete(change)
    else entries.set(change.path, change)
    live.changed(typeof change === 'string' ? change : change.path)
    version++
    t.strictSame(live.current(version, entries, new Map(), baseSet).list, buildViews(version, entries, new Map(), baseSet).list, `after ${typeof change === 'string' ? 'deleting ' + change : 'changing ' + change.path}`)
  }
  return buildViews(version, entries, new Map(), baseSet)
}

t.test('in a cycle, true priorities are those of a walk in the index order, however the edits came', async (t) => {
  // Found by search: here the cut of the cycle depends on the order each asset's dependents are met.
  const spec: Array<[string, number, string[]]> = [['p0', 15, ['p2']], ['p1', 5, ['p0', 'p2', 'p3']], ['p2', 15, ['p1', 'p2']], ['p3', 0, ['p0', 'p1', 'p2', 'p3']]]
  // Dependencies added last asset first: each asset's dependents are met in the reverse order.
  const views = follow(t, spec.map(([p, priority]) => entry(p, priority, [])), [...spec].reverse().map(([p, priority, deps]) => entry(p, priority, deps)))
  t.strictSame(views.list.map((v) => v.truePriority), [18, 17, 16, 6], 'p0 18, p1 17, p2 16, p3 6')
})

t.test('next to a cycle, a change that moves where the walk enters the cycle is followed', async (t) => {
  // s1 and s2 depend on each other. The walk enters their cycle from y (through c) when c depends on
  // y, else from r: s1 then counts 12 or 10.
  const cycle = [entry('y', 0, []), entry('r', 0, []), entry('s1', 10, ['s2', 'r']), entry('s2', 0, ['s1', 'c'])]
  const s1 = (views: ProjectViews) => views.byPath.get('s1')!.truePriority
  t.equal(s1(follow(t, cycle, [entry('c', 0, ['y'])])), 10, 'a new asset that the cycle waits for and that depends on y')
  t.equal(s1(follow(t, [...cycle, entry('c', 0, ['y'])], [entry('c', 0, [])])), 12, 'c stops depending on y')
  t.equal(s1(follow(t, [...cycle, entry('c', 0, [])], [entry('c', 0, ['y'])])), 10, 'c starts depending on y')
})

t.test('a change of nothing the views show keeps the same views; a new version still changes the ETag', async (t) => {
  const entries = new Map<string, AssetEntry>()
  const live = new LiveViews()
  const first = live.current(1, entries, new Map(), baseSet)
  t.equal(live.current(1, entries, new Map(), baseSet), first, 'same version: the same answer')
  const second = live.current(2, entries, new Map(), baseSet)
  t.not(second.etag, first.etag)
  t.equal(second.listJson.raw.toString(), '{"version":2,"assets":[]}')
})
