// The farm folder's disk fills up (issue 16, item 1), for real: a real server process whose farm
// folder is a small tmpfs, a render node simulated over HTTP (its frames written as files where
// Blender would), the disk filled while it reports, the server killed (SIGKILL) and started again
// while the disk is still full, then the disk freed. Counted at the end: frames the server
// acknowledged and then lost, and frames it handed out to be rendered a second time.
import t from 'tap'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask, JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { startTestServer, writeTestConfig } from '../helpers/server.ts'
import { call, startServerProcess, type Reply, type ServerProcess } from '../helpers/server-process.ts'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { testRoot } from '../helpers/folders.ts'
import { logMatches } from '../helpers/logs.ts'

/** Sixty-four letters: each task of a report names its node three times, so a report of ten frames is longer than a page (4 KiB). */
const NODE = 'render-node-with-a-rather-long-name-so-that-journal-lines-are-bi'
const FULL = /The disk holding RFAM's farm folder is full, so nothing was saved/
const pad = (frame: number) => String(frame).padStart(4, '0')

t.test('farm folder filled and freed, with a server kill in between: no acknowledged frame lost, none rendered twice', async (t) => {
  const farmDir = mountSmallDisk(t, '1m')
  if (!farmDir) return t.plan(0, 'needs root to mount a small tmpfs as the farm folder')
  const dir = testRoot(t)
  const configFile = writeTestConfig(dir, { farm: farmDir, logLevel: 'warn', farmSettings: { nodeTimeoutSeconds: 600 } })
  const config = loadConfig(configFile)
  const secret = await new FarmCredentialStore(config.secretsDir).create('test')
  const renders = () => join(config.shares.resolve('data::demo'), 'renders', 'props', 'cake')

  // The simulated node: what it wrote, what the server acknowledged, what it still has to deliver.
  const written = new Map<number, number>() // frame -> times rendered
  const acked = new Set<number>()
  let pending: number[] = []
  let run: FarmTask | undefined
  const render = (frames: number[]) => {
    mkdirSync(renders(), { recursive: true })
    for (const f of frames) {
      writeFileSync(join(renders(), `${pad(f)}.png`), 'PNG')
      written.set(f, (written.get(f) ?? 0) + 1)
    }
    return frames.map((frame) => ({ frame, seconds: 1.5, memoryMB: 20, file: `${pad(frame)}.png` }))
  }

  let server = await startServerProcess(configFile, { t })
  const login = async (s: ServerProcess) => (await logIn(s, 'mia')).token
  let token = await login(server)
  const node = async (path: string, session: string, body: object) => call(server, 'POST', `/api/farm/${path}`, secret, { node: NODE, session, ...body })
  const hello = async (running: FarmTask[]) => call(server, 'POST', '/api/farm/hello', secret, {
    name: NODE, version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' }, running: running.map((r) => ({ job: r.job, tasks: r.tasks })),
  })
  const first = await hello([])
  t.equal(first.status, 200, JSON.stringify(first.body))
  let session = first.body.session as string
  const created = await call(server, 'POST', '/api/projects/demo/jobs', token, { file: 'props/cake.blend', frameStart: 1, frameEnd: 30 })
  t.equal(created.status, 201)
  const job = created.body as JobView
  const work = await node('work', session, { free: 1, running: [], wait: false })
  t.equal(work.status, 200, JSON.stringify(work.body))
  run = (work.body.runs as FarmTask[])[0]!
  t.same(run.frames, Array.from({ length: 30 }, (_, i) => i + 1), 'the node is given all 30 frames in one run')

  const report = async (frames: number[]) => {
    const res = await node('report', session, { job: job.id, tasks: run!.tasks, frames: render(frames) })
    if (res.status === 200) for (const f of frames) acked.add(f)
    else pending.push(...frames)
    return res
  }
  const done = async () => {
    const frames = pending.map((frame) => ({ frame, seconds: 1.5, memoryMB: 20, file: `${pad(frame)}.png` }))
    const res = await node('done', session, { job: job.id, tasks: run!.tasks, frames, seconds: 50, free: 0 })
    if (res.status === 200) {
      for (const f of pending) acked.add(f)
      pending = []
      run = undefined
    }
    return res
  }

  t.equal((await report(range(1, 14))).status, 200, 'frames 1–14 are acknowledged while there is room')
  const free = fillDisk(farmDir)
  const full = await report(range(15, 24))
  t.comment(`report of frames 15–24 on a full disk: ${full.status} ${JSON.stringify(full.body)}`)
  t.not(full.status, 200, 'a report that is not on disk is not acknowledged')
  const later = await report(range(25, 30))
  t.comment(`report of frames 25–30 on a full disk: ${later.status} ${JSON.stringify(later.body)}`)
  t.equal(later.status, 507, 'a later report answers 507')
  const doneFull = await done()
  t.comment(`done on a full disk: ${doneFull.status} ${JSON.stringify(doneFull.body)}`)
  t.equal(doneFull.status, 507, 'done answers 507: the frames are not on disk')
  t.match(doneFull.body, { code: 'RFAM_DISK_FULL', message: FULL })
  const priority = await call(server, 'PATCH', `/api/projects/demo/jobs/${job.id}`, token, { priority: 77 })
  t.comment(`priority change on a full disk: ${priority.status} ${JSON.stringify(priority.body)}`)
  t.equal(priority.status, 507, 'a priority change answers 507')
  t.equal((await call(server, 'GET', `/api/projects/demo/jobs/${job.id}`, token)).body.priority, job.priority, 'and is not applied')
  const submit = await call(server, 'POST', '/api/projects/demo/jobs', token, { file: 'props/cake.blend', frameStart: 1, frameEnd: 5, name: 'Refused' })
  t.comment(`submit on a full disk: ${submit.status} ${JSON.stringify(submit.body)}`)
  t.equal(submit.status, 507, 'a new job answers 507')

  await server.kill()
  let startedFull = true
  try {
    server = await startServerProcess(configFile, { t })
  } catch (err) {
    startedFull = false
    t.comment(`start on a full disk failed: ${(err as Error).message.split('\n').slice(0, 6).join(' | ')}`)
  }
  t.ok(startedFull, 'the server starts while the farm folder is full')
  if (startedFull) {
    token = await login(server)
    const list = await call(server, 'GET', '/api/projects/demo/jobs', token)
    t.match(list.body.farm, { readOnly: { reason: 'disk-full', message: /The disk holding RFAM.s farm folder is full/ } }, 'the job list says the farm is read-only and why')
    t.ok(server.logs.some((e) => logMatches(e, { level: 'error', msg: /^farm read-only/, reason: 'disk-full', detail: /farm folder is full/ })), 'and so does the log')
    const again = await hello(run ? [run] : [])
    t.equal(again.status, 507, 'a node saying hello is told the disk is full')
    t.equal((await call(server, 'PATCH', `/api/projects/demo/jobs/${job.id}`, token, { priority: 5 })).status, 507)
  }

  free()
  if (startedFull) {
    // The farm notices by itself that there is room again.
    const start = Date.now()
    let list: Reply | undefined
    await until('the farm writable again', async () => {
      list = await call(server, 'GET', '/api/projects/demo/jobs', token)
      return !list.body.farm?.readOnly
    }, { timeoutMs: 15_000, stepMs: 250 })
    t.notOk(list!.body.farm?.readOnly, `the farm is writable again once there is room (after ${Date.now() - start} ms)`)
  } else {
    server = await startServerProcess(configFile, { t })
    token = await login(server)
  }

  // The node comes back: it says hello (still holding its run if done was never acknowledged),
  // delivers what it has, then renders whatever it is given until the job is complete.
  session = (await hello(run ? [run] : [])).body.session as string
  if (run) await until('the node\'s done acknowledged', async () => { await done(); return !run }, { timeoutMs: 10_000, stepMs: 500 })
  t.notOk(run, 'the node delivered its done')
  const handedAgain: number[] = []
  for (let i = 0; i < 50; i++) {
    const runs = (await node('work', session, { free: 1, running: [], wait: false })).body.runs as FarmTask[]
    if (runs.length === 0) break
    run = runs[0]!
    handedAgain.push(...run.frames)
    pending = []
    render(run.frames)
    pending.push(...run.frames)
    t.equal((await done()).status, 200)
  }
  const lost = [...acked].filter((f) => handedAgain.includes(f))
  const twice = [...written].filter(([, n]) => n > 1).map(([f]) => f)
  t.comment(`acknowledged frames lost: ${lost.length} (${lost.join(', ')}); frames rendered twice: ${twice.length} (${twice.join(', ')})`)
  t.same(lost, [], 'no acknowledged frame was lost')
  t.same(twice, [], 'no frame was rendered twice')
  const view = (await call(server, 'GET', `/api/projects/demo/jobs/${job.id}`, token)).body as JobView
  t.match(view, { status: 'completed', priority: job.priority, counts: { done: 30 } }, 'the job is complete, with the priority it had')
  const jobs = (await call(server, 'GET', '/api/projects/demo/jobs', token)).body.jobs as JobView[]
  t.same(jobs.map((j) => j.name), [view.name], 'the refused job never appears')
  t.same(readdirSync(join(farmDir, 'jobs')).filter((n) => n.endsWith('.json')).length, 1, 'nor its file')
  t.notOk(existsSync(join(farmDir, 'filler.bin')))
})

function range (a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i)
}

t.test('a change refused on a full farm disk never happens later: not after the disk is freed, not after a restart', async (t) => {
  const farmDir = mountSmallDisk(t, '1m')
  if (!farmDir) return t.plan(0, 'needs root to mount a small tmpfs as the farm folder')
  const s = await startTestServer(t, { config: { farm: farmDir } })
  const { cookie } = await logIn(s, 'mia')
  const jobs = async (app = s.app) => (await app.inject({ url: '/api/projects/demo/jobs', headers: { cookie } })).json()
  const created = await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload: { file: 'props/cake.blend', frameStart: 1, frameEnd: 3 } })
  t.equal(created.statusCode, 201)
  const { id, priority: before } = created.json() as JobView
  const free = fillDisk(farmDir)
  const priority = await s.app.inject({ method: 'PATCH', url: `/api/projects/demo/jobs/${id}`, headers: { cookie }, payload: { priority: 77, action: 'pause' } })
  t.equal(priority.statusCode, 507, 'a change of priority and status answers 507')
  t.match(priority.json(), { code: 'RFAM_DISK_FULL', message: FULL })
  t.match((await jobs()).jobs, [{ id, priority: before, status: 'queued' }], 'and is not applied')
  const submit = await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload: { file: 'props/cake.blend', frameStart: 1, frameEnd: 5, name: 'Refused' } })
  t.equal(submit.statusCode, 507, 'a new job answers 507')
  t.same((await jobs()).jobs.map((j: JobView) => j.id), [id], 'and is not listed')
  free()
  // A clean stop writes every job's file; the next server reads them.
  await s.restart()
  const again = s.app
  const cookie2 = (await logIn(again, 'mia')).cookie
  const after = (await again.inject({ url: '/api/projects/demo/jobs', headers: { cookie: cookie2 } })).json()
  t.match(after.jobs, [{ id, priority: before, status: 'queued' }], 'after a restart: the refused job is not there, the refused change not applied')
  t.equal(after.jobs.length, 1)
})
