// The teacher's dashboard of one project (api-dashboard.schema.json), worked out when asked: each
// asset's history file read (through the store's reader, which keeps what it parsed) and replayed
// (state-days.ts), the farm's jobs of the project summed (farm-hours.ts), and the blocked assets
// from the asset views (blocked.ts). Measured in test/bench/dashboard.bench.ts.
import type { Dashboard, HistoryEvent, Job } from '../../schemas/generated/types.ts'
import type { ProjectStore } from '../store/project-store.ts'
import type { DefaultsSet } from '../store/defaults-sets.ts'
import { blockedAssets } from './blocked.ts'
import { lastDays, type Days } from './days.ts'
import { farmHours, type JobOf } from './farm-hours.ts'
import { statesPerDay, type AssetStates } from './state-days.ts'
import { mapAtMost } from '../../common/map-at-most.ts'

/** History files read at once. */
const PARALLEL = 16
/** Every event of a file (a timeline's limit). */
const ALL_EVENTS = 1_000_000

export interface DashboardSource {
  store: ProjectStore
  /** The project's jobs on the farm. */
  jobs: Iterable<Job>
  /** A job's file inside the project. */
  fileOf: (job: Job) => string
  days: number
  now: number
}

/** States in the order the types list them (the order of work), then any others met. */
function stateOrder (set: DefaultsSet, met: Iterable<string>): string[] {
  const order = new Set<string>()
  for (const type of set.typeList) for (const s of type.states) order.add(s)
  for (const s of set.states.keys()) order.add(s)
  for (const s of met) order.add(s)
  return [...order]
}

/** Each asset's events, read PARALLEL files at a time; lines that cannot be read are counted. */
async function readHistories (store: ProjectStore): Promise<{ assets: AssetStates[], unreadable: number }> {
  const views = store.views().list.filter((v) => v.meta)
  const assets: AssetStates[] = []
  let unreadable = 0
  await mapAtMost(views, PARALLEL, async (view) => {
    let events: HistoryEvent[] = []
    try {
      const timeline = await store.history.timeline(view.path, { limit: ALL_EVENTS })
      events = timeline.events
      unreadable += timeline.unreadable.length
    } catch { /* no history file: the asset counts in its state now */ }
    assets.push({ state: view.meta!.state, ...(view.meta!.created ? { created: view.meta!.created } : {}), events })
  })
  return { assets, unreadable }
}

export function jobsOf (source: Pick<DashboardSource, 'store' | 'jobs' | 'fileOf'>): JobOf[] {
  const byPath = source.store.views().byPath
  const out: JobOf[] = []
  for (const job of source.jobs) {
    const path = job.asset ?? source.fileOf(job)
    out.push({ job, path, owner: byPath.get(path)?.meta?.owner ?? null })
  }
  return out
}

/** The dashboard from what was read: the part the benchmark measures without the disk. */
export function buildDashboard (days: Days, now: number, set: DefaultsSet, store: ProjectStore, assets: AssetStates[], jobs: JobOf[], unreadable: number): Dashboard {
  const counts = statesPerDay(assets, days, now)
  const farm = farmHours(jobs, days)
  const views = store.views()
  const names = views.byPath
  return {
    days: days.keys,
    states: stateOrder(set, counts.keys()).filter((s) => counts.has(s)).map((state) => ({ state, counts: counts.get(state)! })),
    renderHours: {
      people: farm.people,
      shots: farm.shots.map((s) => {
        const name = names.get(s.path)?.meta?.name
        return name ? { ...s, name } : s
      }),
    },
    farm: { busyHours: farm.busyHours, nodes: farm.nodes },
    blocked: blockedAssets(views.list, views.byPath, set.states),
    unreadable,
  }
}

export async function dashboard (source: DashboardSource): Promise<Dashboard> {
  const days = lastDays(source.days, source.now)
  const { assets, unreadable } = await readHistories(source.store)
  return buildDashboard(days, source.now, source.store.defaults(), source.store, assets, jobsOf(source), unreadable)
}
