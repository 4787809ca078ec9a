// A demo project with a week of history and a render, for the dashboard's tests (server and browser):
// each asset's history file made again by the store (its own appends, at chosen times), a state
// changed today through the API, a broken line, and a job rendered through the real farm by a node
// played over HTTP that reports 1,800 s a frame.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HistoryEvent } from '../../schemas/generated/types.ts'
import type { NewEvent } from '../../server/store/asset-history.ts'
import { farmSender } from '../web/fake-node.ts'
import { logIn } from './login.ts'
import type { TestServer } from './server.ts'
import { until } from './until.ts'

/** Noon `daysAgo` days before today, on this machine's calendar (the server's). */
export const noon = (daysAgo: number) => { const d = new Date(); d.setHours(12, 0, 0, 0); d.setDate(d.getDate() - daysAgo); return d }

const KITCHEN = 'sets/kitchen.blend'
const CAKE = 'props/cake.blend'
const WALK = 'animations/walk_cycle.blend'
const PIN = 'props/rolling_pin.blend'

/** The numbers the dashboard of the prepared project must show (7 days, today the last). */
export interface Expected {
  /** Per state, per day. */
  states: Record<string, number[]>
  leoHours: number
  busyHoursTotal: number
}

export async function prepareDashboardProject (server: TestServer): Promise<Expected> {
  const store = server.app.rfam.workspace.store('demo')
  const paths = store.views().list.map((v) => v.path)
  // Nothing else writes these files meanwhile, so the store's append runs without taking the lock.
  const put = async (path: string, at: Date, events: NewEvent[]) => { await store.history.appendLocked(path, events, at) }
  for (const path of paths) {
    rmSync(join(server.projectDir(), path + '.history.jsonl'), { force: true })
    await put(path, path === WALK ? noon(2) : noon(6), [{ by: 'teacher', kind: 'created', to: path }])
  }
  await put(KITCHEN, noon(3), [{ by: 'sam', kind: 'state', from: 'ns', to: 'ic' }])
  await put(CAKE, noon(5), [{ by: 'mia', kind: 'state', from: 'ns', to: 'ic' }])
  await put(CAKE, noon(1), [{ by: 'mia', kind: 'state', from: 'ic', to: 'us' }])
  appendFileSync(join(server.projectDir(), CAKE + '.history.jsonl'), '{"this is": "no event"\nnot json at all\n')
  // Today, through the API: the rolling pin becomes usable.
  const mia = await logIn(server, 'mia')
  const patched = await mia.api('PATCH', `/api/projects/demo/assets/${PIN}`, { state: 'us' })
  if (patched.status !== 200) throw new Error(`PATCH ${patched.status} ${JSON.stringify(patched.body)}`)

  // A render of Shot 010 sent by Leo, two frames of 1,800 s each, written at the same moment by one node.
  const leo = await logIn(server, 'leo')
  const job = (await leo.api('POST', '/api/projects/demo/jobs', { file: 'shots/shot_010_intro.blend', frameStart: 1, frameEnd: 2, chunkSize: 2 })).body
  if (!job?.id) throw new Error(`job: ${JSON.stringify(job)}`)
  const send = await farmSender(server, 'dash-node-credential')
  const welcome = await send('hello', { name: 'dash-node', version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  const session = welcome.session as string
  const run = ((await send('work', { node: 'dash-node', session, free: 1, running: [], wait: false })).runs as Array<{ job: string, tasks: string[], frames: number[] }>)[0]!
  const renders = join(server.projectDir(), 'renders', 'shots', 'shot_010_intro')
  mkdirSync(renders, { recursive: true })
  const file = (f: number) => `${String(f).padStart(4, '0')}.png`
  for (const f of run.frames) writeFileSync(join(renders, file(f)), 'PNG')
  await send('report', { node: 'dash-node', session, job: run.job, tasks: run.tasks, frames: run.frames.map((f) => ({ frame: f, seconds: 1800, memoryMB: 500, file: file(f) })) })
  await send('done', { node: 'dash-node', session, job: run.job, tasks: run.tasks, frames: [], seconds: 3600, free: 1 })
  await until('the job is done', async () => (await leo.api('GET', `/api/projects/demo/jobs/${job.id}`)).body.status === 'completed')

  // Day by day (0 = six days ago … 6 = today), replayed by hand from the lines above and the demo's states.
  const now: Record<string, string> = {}
  for (const v of store.views().list) now[v.path] = v.meta!.state
  const states: Record<string, number[]> = {}
  for (let day = 0; day < 7; day++) {
    for (const path of paths) {
      if (path === WALK && day < 4) continue
      let state = now[path]!
      if (path === KITCHEN && day < 3) state = 'ns'
      if (path === CAKE) state = day < 1 ? 'ns' : day < 5 ? 'ic' : 'us'
      if (path === PIN && day < 6) state = 'ic'
      ;(states[state] ??= new Array<number>(7).fill(0))[day]!++
    }
  }
  return { states, leoHours: 1, busyHoursTotal: 0.5 }
}

export type { HistoryEvent }
