// What the farm did for a project, from its jobs' frame samples (each: a node, when the frame was
// written and how long it took): render hours per person and per asset, and busy node-hours per day.
// A node's busy time is the union of its frames' intervals [written - seconds, written], so a node
// rendering two frames at once counts an hour once.
import type { Job } from '../../schemas/generated/types.ts'
import { spread, type Days } from './days.ts'

export interface FarmHours {
  people: Array<{ person: string, hours: number }>
  shots: Array<{ path: string, hours: number }>
  busyHours: number[]
  nodes: number
}

export interface JobOf {
  job: Job
  /** The asset or file the job renders, inside the project. */
  path: string
  /** Who an automatic render counts for: the asset's owner. */
  owner?: string | null
}

const hours = (seconds: number) => Math.round(seconds / 36) / 100
const mostFirst = <T extends { hours: number }>(list: T[], key: (x: T) => string) =>
  list.sort((a, b) => b.hours - a.hours || (key(a) < key(b) ? -1 : 1))

/** Samples written within the days count; a sample without a time counts at its task's last report. */
export function farmHours (jobs: Iterable<JobOf>, days: Days): FarmHours {
  const from = days.bounds[0]!
  const to = days.bounds.at(-1)!
  const people = new Map<string, number>()
  const shots = new Map<string, number>()
  const intervals = new Map<string, Array<[number, number]>>()
  for (const { job, path, owner } of jobs) {
    const person = job.auto || job.createdBy === 'auto' || !job.createdBy ? (owner ?? 'auto') : job.createdBy
    let seconds = 0
    for (const task of job.tasks) {
      for (const s of task.samples ?? []) {
        const at = Date.parse(s.at ?? task.lastReport ?? job.updated ?? job.created)
        if (!(at >= from && at < to)) continue
        seconds += s.seconds
        const node = s.node ?? task.node ?? task.lastNode ?? '?'
        let list = intervals.get(node)
        if (!list) intervals.set(node, list = [])
        list.push([at - s.seconds * 1000, at])
      }
    }
    if (seconds === 0) continue
    people.set(person, (people.get(person) ?? 0) + seconds)
    shots.set(path, (shots.get(path) ?? 0) + seconds)
  }
  const busy = new Array<number>(days.keys.length).fill(0)
  for (const list of intervals.values()) {
    list.sort((a, b) => a[0] - b[0])
    let [start, end] = list[0]!
    for (const [s, e] of list) {
      if (s > end) { spread(days, start, end, busy); start = s; end = e } else if (e > end) end = e
    }
    spread(days, start, end, busy)
  }
  return {
    people: mostFirst([...people].map(([person, s]) => ({ person, hours: hours(s) })), (x) => x.person),
    shots: mostFirst([...shots].map(([path, s]) => ({ path, hours: hours(s) })), (x) => x.path).slice(0, 30),
    busyHours: busy.map(hours),
    nodes: intervals.size,
  }
}
