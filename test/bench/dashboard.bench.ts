// Benchmark of the teacher's dashboard (issue 12 item 7) on a big project. Prints its figures;
// asserts nothing. 1,000 assets with 50 history events each (state changes over the past week) and
// ten finished jobs of 1,000 one-frame tasks each (10,000 tasks, a sample each, spread over five
// nodes and the week), all written to disk as the server writes them before it starts (jobs as job
// files: the farm loads them). Measured: GET /api/projects/:project/dashboard on a real server
// (buildServer, in this process), first (every history file read) and again (the files unchanged:
// the reader's cache), and the computation alone on what was read (server/dashboard/dashboard.ts
// buildDashboard: the replay, the farm's hours, the blocked assets).
//   npx tsx test/bench/dashboard.bench.ts [runs, default 10]   (npm run bench:dashboard)
// 3 Dec 2026, 2 CPUs shared with other work (load average 26): first GET 783 ms, again median 233 ms
// (p95 355), the computation alone median 67 ms (p95 114).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Asset, HistoryEvent, Job } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { buildServer } from '../../server/server.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { eventId } from '../../server/store/asset-history.ts'
import { buildDashboard, jobsOf } from '../../server/dashboard/dashboard.ts'
import { lastDays } from '../../server/dashboard/days.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'

const runs = Number(process.argv[2] ?? 10)
const ASSETS = 1000
const EVENTS = 50
const JOBS = 10
const TASKS = 1000
const DAY = 24 * 3600 * 1000
const people = ['alex', 'sam', 'mia', 'leo', 'zoe']
const states = ['ns', 'ic', 'mod', 'rig', 'ref', 'us', 'ac', 'po']
const dir = mkdtempSync(join(tmpdir(), 'rfam-dashboard-bench-'))

/** An asset whose state moves through the states over the week (50 events: state changes, some notes and priorities). */
function writeAssets (projectDir: string, now: number): void {
  for (let i = 0; i < ASSETS; i++) {
    const folder = join(projectDir, 'bench', `group_${i % 20}`)
    mkdirSync(folder, { recursive: true })
    const events: HistoryEvent[] = [{ id: eventId(), at: new Date(now - 7 * DAY).toISOString(), by: 'teacher', kind: 'created', to: `Bench ${i}` }]
    let state = 0
    for (let k = 1; k < EVENTS; k++) {
      const at = new Date(now - 7 * DAY + (7 * DAY * k) / EVENTS).toISOString()
      const by = people[(i + k) % 5]!
      if (k % 5 === 0 && state < states.length - 1) {
        events.push({ id: eventId(), at, by, kind: 'state', from: states[state]!, to: states[state + 1]! })
        state++
      } else if (k % 2) events.push({ id: eventId(), at, by, kind: 'note', text: `note ${k} on ${i}` })
      else events.push({ id: eventId(), at, by, kind: 'priority', from: k, to: k + 1 })
    }
    const meta: Asset = {
      name: `Bench ${i}`,
      type: 'prop',
      owner: people[i % 5]!,
      state: states[state]!,
      priority: i % 100,
      description: 'Made by the benchmark.',
      ...(i % 10 === 0 ? { dependencies: [`bench/group_${(i + 1) % 20}/bench_${i + 1}.blend`] } : {}),
    }
    writeFileSync(join(folder, `bench_${i}.blend.json`), JSON.stringify(meta))
    writeFileSync(join(folder, `bench_${i}.blend.history.jsonl`), events.map((e) => JSON.stringify(e) + '\n').join(''))
  }
}

/** Ten finished jobs of a thousand one-frame tasks, each frame 20–80 s on one of five nodes. */
function writeJobs (farmDir: string, now: number): void {
  mkdirSync(join(farmDir, 'jobs'), { recursive: true })
  for (let j = 0; j < JOBS; j++) {
    const tasks: Job['tasks'] = []
    for (let f = 1; f <= TASKS; f++) {
      const at = new Date(now - 7 * DAY + (7 * DAY * (j * TASKS + f)) / (JOBS * TASKS)).toISOString()
      tasks.push({ id: String(f), frames: [f], status: 'completed', attempts: 1, node: null, assignedAt: at, lastReport: at, framesDone: [f], samples: [{ frame: f, seconds: 20 + (f % 60), memoryMB: 500, node: `node-${f % 5}`, at }], failures: [] })
    }
    const created = new Date(now - 7 * DAY).toISOString()
    const job: Job = {
      id: randomUUID(),
      name: `Bench job ${j}`,
      project: 'demo',
      file: `data::demo/bench/group_${j}/bench_${j}.blend`,
      asset: `bench/group_${j}/bench_${j}.blend`,
      frameStart: 1,
      frameEnd: TASKS,
      frameStep: 1,
      video: false,
      priority: 50,
      requires: [],
      chunkSize: 1,
      status: 'completed',
      created,
      updated: created,
      finished: new Date(now).toISOString(),
      createdBy: people[j % 5]!,
      revision: 1,
      tasks,
    }
    writeFileSync(join(farmDir, 'jobs', `${job.id}.json`), JSON.stringify(job))
  }
}

function stats (values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)}, min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}`
}

try {
  const config = loadConfig(writeTestConfig(join(dir, 'server'), { rescanSeconds: 600 }))
  await seedDemoIfEmpty(config)
  const now = Date.now()
  writeAssets(config.shares.resolve('data::demo'), now)
  writeJobs(config.farmDir, now)
  const app = await buildServer(config, { watch: false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const { token } = await logIn(url, 'teacher', { secret: '1234' })
  const get = async () => {
    const t0 = performance.now()
    const res = await fetch(`${url}/api/projects/demo/dashboard`, { headers: { authorization: `Bearer ${token}` } })
    const body = await res.text()
    if (!res.ok) throw new Error(`${res.status} ${body}`)
    return { ms: performance.now() - t0, body }
  }
  const tasks = [...app.farm.scheduler.jobs.values()].reduce((n, rt) => n + rt.job.tasks.length, 0)
  console.log(`Dashboard: ${ASSETS} assets × ${EVENTS} history events, ${tasks} tasks on the farm; ${cpus().length} CPUs, ${runs} runs`)
  const first = await get()
  const d = JSON.parse(first.body)
  console.log(`  GET dashboard, first (reads every history file): ${first.ms.toFixed(1)} ms, ${(first.body.length / 1024).toFixed(0)} KiB; ${d.states.length} states, ${d.renderHours.people.length} people, ${d.blocked.length} blocked`)
  const warm: number[] = []
  for (let i = 0; i < runs; i++) warm.push((await get()).ms)
  console.log(`  GET dashboard again (history files unchanged): ${stats(warm)}`)

  // The computation alone, on what was read.
  const store = app.rfam.workspace.store('demo')
  const assets = await Promise.all(store.views().list.filter((v) => v.meta).map(async (v) => ({ state: v.meta!.state, events: (await store.history.timeline(v.path, { limit: 1_000_000 })).events })))
  const jobs = jobsOf({ store, jobs: [...app.farm.scheduler.jobs.values()].map((rt) => rt.job), fileOf: (job) => job.file })
  const compute: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    buildDashboard(lastDays(7, now), now, store.defaults(), store, assets, jobs, 0)
    compute.push(performance.now() - t0)
  }
  console.log(`  the computation alone (replay ${assets.length} histories, ${tasks} tasks' samples, blocked assets): ${stats(compute)}`)
  await app.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
