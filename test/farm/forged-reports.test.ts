// Nodes cannot forge each other's results (issue 11, item 5), over HTTP on the real server: a node
// reports only on tasks handed to it; a node name and a prenode name stay with the credential that
// first used them until staff free them; a frame counts only when its file is on the share.
import t from 'tap'
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask, JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { startTs } from '../helpers/processes.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { ManualClock } from '../../server/farm/clock.ts'

type Tap = Parameters<typeof startTestServer>[0]
interface Sample { frame: number, seconds: number, memoryMB?: number, file?: string }

const pad = (frame: number) => String(frame).padStart(4, '0')

async function farmServer (t: Tap, farmSettings: Record<string, unknown> = {}, farmClock?: ManualClock) {
  const s = await startTestServer(t, { config: { farmSettings }, ...(farmClock ? { farmClock } : {}) })
  const { cookie } = await logIn(s, 'alex')
  const secrets = { test: await s.app.farm.credentials.create('test'), other: await s.app.farm.credentials.create('other') }
  const call = (url: string, payload: object, secret: string) => s.app.inject({ method: 'POST', url: `/api/farm/${url}`, payload, headers: { authorization: `Bearer ${secret}` } })
  const hello = async (name: string, secret: string) => {
    const res = await call('hello', { name, version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } }, secret)
    if (res.statusCode !== 200) throw new Error(`hello ${name}: ${res.statusCode} ${res.body}`)
    return { name, session: res.json().session as string, secret }
  }
  type Node = Awaited<ReturnType<typeof hello>>
  const send = (n: Node, url: string, body: object) => call(url, { node: n.name, session: n.session, ...body }, n.secret)
  const poll = async (n: Node): Promise<FarmTask[]> => (await send(n, 'work', { free: 1, running: [], wait: false })).json().runs
  const job = async (body: object): Promise<JobView> => {
    const res = await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload: body })
    if (res.statusCode !== 201) throw new Error(`job: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const view = async (id: string): Promise<JobView> => (await s.app.inject({ url: `/api/projects/demo/jobs/${id}`, headers: { cookie } })).json()
  /** Writes a frame's file where Blender would (renders/<dir>/<frame>.png) and returns its sample. */
  const wrote = (dir: string, frame: number, name = `${pad(frame)}.png`, content = 'PNG'): Sample => {
    mkdirSync(join(s.projectDir(), 'renders', dir), { recursive: true })
    writeFileSync(join(s.projectDir(), 'renders', dir, name), content)
    return { frame, seconds: 1.5, memoryMB: 20, file: name }
  }
  const cakeStats = () => JSON.parse(readFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), 'utf8')).renderStats
  return { s, secrets, call, hello, send, poll, job, view, wrote, cakeStats }
}

/** `npm run farm -- <args>` against this server's configuration. */
async function farmCli (t: Tap, configDir: string, args: string[]) {
  const cli = startTs(t, 'server/farm/cli.ts', args, { label: 'farm-cli', env: { RFAM_CONFIG: join(configDir, 'server.json') } })
  const code = await cli.exited
  return { code, out: cli.lines.join('\n') }
}

t.test('a node reports only on tasks handed to it: report, done and failed for another\'s task are 409 and change nothing', async (t) => {
  const clock = new ManualClock()
  const f = await farmServer(t, { nodeTimeoutSeconds: 1 }, clock)
  const job = await f.job({ file: 'props/cake.blend', frameStart: 1, frameEnd: 3 })
  const a = await f.hello('pc-a', f.secrets.test)
  const b = await f.hello('pc-b', f.secrets.test)
  const evil = await f.hello('evil', f.secrets.other)
  // The files are even there: only who may report is in question.
  const samples = [1, 2, 3].map((frame) => f.wrote('props/cake', frame))
  const tasks = (await f.view(job.id)).tasks!.map((x) => x.id)

  for (const n of [evil, b]) {
    const report = await f.send(n, 'report', { job: job.id, tasks: ['t1'], frames: [samples[0]] })
    t.equal(report.statusCode, 409, `${n.name}: a report on a queued task it was never given is refused`)
    t.match(report.json(), { code: 'RFAM_NOT_YOUR_TASK', message: /was not handed to node "(evil|pc-b)"; a node may only report on its own tasks/ })
    const done = await f.send(n, 'done', { job: job.id, tasks, frames: samples, seconds: 3 })
    t.equal(done.statusCode, 409, `${n.name}: done for tasks it was never given`)
    const failed = await f.send(n, 'failed', { job: job.id, tasks: ['t2'], frames: [], frame: 2, exitCode: 1, message: 'forged', logTail: 'forged' })
    t.equal(failed.statusCode, 409, `${n.name}: failed for a task it was never given`)
  }
  let v = await f.view(job.id)
  t.match(v, { status: 'queued', errors: 0, blocklist: [], counts: { done: 0, queued: 3, failed: 0 } }, 'the job is as it was: nothing done, nothing failed, nobody blocklisted')
  t.ok(v.tasks!.every((x) => (x.failures ?? []).length === 0 && (x.samples ?? []).length === 0))
  await f.s.app.farm.flushStats()
  t.same(Object.keys(f.cakeStats()?.frames ?? {}), [], 'no statistics reached the asset')

  // pc-a is given work; others still cannot report on it, even after it is queued again because
  // pc-a went silent: only pc-a may claim it back.
  const run = (await f.poll(a))[0]!
  const ref = { job: run.job, tasks: run.tasks }
  const taken = await f.send(evil, 'done', { job: job.id, tasks: run.tasks, frames: [samples[0]], seconds: 1 })
  t.equal(taken.statusCode, 409, 'done for a task being rendered by another node')
  // The farm's time passes (its sweep runs every second of it) until pc-a's silence is over the timeout.
  await until('pc-a timed out', async () => { clock.advance(1000); return (await f.view(job.id)).counts.active === 0 })
  t.equal((await f.view(job.id)).counts.queued, 3, 'pc-a timed out: its task is queued again')
  const listed = (await f.send(b, 'work', { free: 0, running: [ref], wait: false })).json()
  t.same(listed.cancel, [ref], 'pc-b listing pc-a\'s run is told to stop it, not given it')
  t.equal((await f.view(job.id)).counts.queued, 3, 'and it stays queued')
  t.equal((await f.send(b, 'done', { job: job.id, tasks: run.tasks, frames: [samples[0]], seconds: 1 })).statusCode, 409)
  const back = await f.send(a, 'done', { job: job.id, tasks: run.tasks, frames: run.frames.map((x) => f.wrote('props/cake', x)), seconds: 2 })
  t.equal(back.statusCode, 200, 'pc-a, back in time, claims its own task')
  v = await f.view(job.id)
  t.equal(v.counts.done, run.frames.length, 'and its frames count')
  t.ok(v.tasks!.flatMap((x) => x.samples ?? []).every((x) => x.node === 'pc-a'))
})

t.test('a node name stays with the credential that first used it; staff free it with npm run farm -- forget-node', async (t) => {
  const f = await farmServer(t)
  const a = await f.hello('pc-a', f.secrets.test)
  const stolen = await f.call('hello', { name: 'pc-a', version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } }, f.secrets.other)
  t.equal(stolen.statusCode, 403, 'another credential cannot say hello as pc-a')
  t.match(stolen.json(), { code: 'RFAM_NODE_NAME_BOUND', message: /"pc-a" belongs to another farm credential; give this node its own name .*npm run farm -- forget-node pc-a/ })
  t.equal((await f.send(a, 'work', { free: 1, running: [], wait: false })).statusCode, 200, 'pc-a keeps its session')
  t.equal((await f.send(a, 'bye', {})).statusCode, 204)
  t.equal((await f.call('hello', { name: 'pc-a', version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } }, f.secrets.other)).statusCode, 403, 'a node gone offline keeps its name')
  const again = await f.hello('pc-a', f.secrets.test)
  t.equal((await f.send(again, 'work', { free: 1, running: [], wait: false })).statusCode, 200, 'its own credential brings it back')

  // Single-use cluster nodes: many names, one shared credential, names used again.
  const cluster = await f.s.app.farm.credentials.create('cluster')
  for (const name of ['array-1', 'array-2', 'array-1']) await f.hello(name, cluster)
  t.pass('single-use nodes sharing one credential keep working under their own names')

  const unknown = await farmCli(t, f.s.dir, ['forget-node', 'pc-zz'])
  t.equal(unknown.code, 1)
  t.match(unknown.out, /There is no render node called "pc-zz"/)
  const bad = await farmCli(t, f.s.dir, ['forget-node', '../secrets/x'])
  t.equal(bad.code, 2)
  const forgot = await farmCli(t, f.s.dir, ['forget-node', 'pc-a'])
  t.equal(forgot.code, 0, forgot.out)
  t.match(forgot.out, /Forgot render node "pc-a"/)
  t.notOk(existsSync(join(f.s.config.farmDir, 'nodes', 'pc-a.json')))
  const other = await f.hello('pc-a', f.secrets.other)
  t.equal((await f.send(other, 'work', { free: 1, running: [], wait: false })).statusCode, 200, 'a freed name goes to the next credential, without a restart')
  t.equal((await f.send(again, 'work', { free: 1, running: [], wait: false })).statusCode, 401, 'the old session is gone')
})

t.test('a prenode name stays with the credential that first used it, for poll and ack', async (t) => {
  const f = await farmServer(t)
  const job = await f.job({ file: 'props/cake.blend', frameStart: 1, frameEnd: 3 })
  const poll = (secret: string) => f.call('prenode/poll', { name: 'cluster', provides: [], wait: false }, secret)
  const ack = (secret: string) => f.call('prenode/ack', { name: 'cluster', jobs: [job.id] }, secret)
  t.equal((await poll(f.secrets.test)).statusCode, 200)
  const stolenPoll = await poll(f.secrets.other)
  t.equal(stolenPoll.statusCode, 403, 'another credential cannot poll as "cluster"')
  t.match(stolenPoll.json(), { code: 'RFAM_PRENODE_NAME_BOUND', message: /prenode name "cluster" belongs to another farm credential; give this prenode its own name .*npm run farm -- forget-prenode cluster/ })
  const stolenAck = await ack(f.secrets.other)
  t.equal(stolenAck.statusCode, 403, 'nor acknowledge jobs for it')
  t.same(f.s.app.farm.jobFile(job.id)!.seenBy, [], 'so the job is still offered to the real "cluster"')
  const firstAck = await f.call('prenode/ack', { name: 'other-pool', jobs: [job.id] }, f.secrets.other)
  t.equal(firstAck.statusCode, 204, 'an ack may be the first use of a name')
  t.equal((await f.call('prenode/poll', { name: 'other-pool', provides: [], wait: false }, f.secrets.test)).statusCode, 403, 'which binds it')
  t.equal((await ack(f.secrets.test)).statusCode, 204)
  t.same(f.s.app.farm.jobFile(job.id)!.seenBy, ['other-pool', 'cluster'])
  t.match(JSON.parse(readFileSync(join(f.s.config.farmDir, 'prenodes', 'cluster.json'), 'utf8')), { name: 'cluster', credential: 'test' }, 'the binding is on disk')

  const forgot = await farmCli(t, f.s.dir, ['forget-prenode', 'cluster'])
  t.equal(forgot.code, 0, forgot.out)
  t.equal((await poll(f.secrets.other)).statusCode, 200, 'a freed name goes to the next credential')
})

t.test('a frame counts only when its file is on the share: there, not empty, written after the task was handed out, named for that frame', async (t) => {
  const f = await farmServer(t)
  const a = await f.hello('pc-a', f.secrets.test)
  const one = await f.job({ file: 'props/cake.blend', frameStart: 7, frameEnd: 7 })
  const [run] = await f.poll(a)
  const report = async (frames: Sample[]) => {
    const res = await f.send(a, 'report', { job: one.id, tasks: run!.tasks, frames })
    t.same(res.json(), { cancel: false }, 'a refused frame is not an error: the node carries on')
    return (await f.view(one.id)).counts.done
  }
  t.equal(await report([{ frame: 7, seconds: 1, file: '0007.png' }]), 0, 'no file at all')
  t.equal(await report([f.wrote('props/cake', 7, '0007.png', '')]), 0, 'an empty file')
  const old = f.wrote('props/cake', 7)
  const past = new Date(Date.now() - 3600_000)
  utimesSync(join(f.s.projectDir(), 'renders', 'props', 'cake', '0007.png'), past, past)
  t.equal(await report([old]), 0, 'a file older than the task (left by an earlier render)')
  f.wrote('props/cake', 6)
  t.equal(await report([{ frame: 7, seconds: 1, file: '0006.png' }]), 0, 'another frame\'s file')
  mkdirSync(join(f.s.projectDir(), 'renders', 'props', 'cake', '0007.exr'), { recursive: true })
  t.equal(await report([{ frame: 7, seconds: 1, file: '0007.exr' }]), 0, 'a folder')
  t.equal(await report([{ frame: 7, seconds: 1 }]), 0, 'no file named')
  t.equal(await report([f.wrote('props/cake', 7)]), 1, 'the frame written: it counts')
  t.equal((await f.view(one.id)).status, 'completed')

  // done with a frame whose file is missing: the task is not done, and the failure says why.
  const two = await f.job({ file: 'props/cake.blend', frameStart: 5, frameEnd: 5, output: 'renders/cake-b/####' })
  const [run2] = await f.poll(a)
  const done = await f.send(a, 'done', { job: two.id, tasks: run2!.tasks, frames: [{ frame: 5, seconds: 1, file: '0005.png' }], seconds: 2 })
  t.equal(done.statusCode, 200)
  let v = await f.view(two.id)
  t.match(v, { status: 'active', counts: { done: 0, queued: 1 }, errors: 1 }, 'not done: queued to be rendered again')
  t.match(v.lastFailure!.message, /frame 5 .*not on the share: renders\/cake-b\/0005\.png does not exist/i)
  const [again] = await f.poll(a)
  const sample = f.wrote('cake-b', 5)
  await f.send(a, 'done', { job: two.id, tasks: again!.tasks, frames: [sample], seconds: 2 })
  v = await f.view(two.id)
  t.equal(v.status, 'completed', 'with its file there it completes')
  await f.s.app.farm.flushStats()
  t.same(Object.keys(f.cakeStats().frames).sort(), ['5', '7'], 'statistics only for the frames counted')
  t.equal(f.cakeStats().frames['7'].length, 1, 'once each')

  // A video is one movie for the whole range: that file is checked.
  const movie = await f.job({ file: 'props/cake.blend', frameStart: 1, frameEnd: 3, video: true, output: 'renders/film/####' })
  const [vrun] = await f.poll(a)
  const vreport = async (frames: Sample[]) => {
    await f.send(a, 'report', { job: movie.id, tasks: vrun!.tasks, frames })
    return (await f.view(movie.id)).counts.done
  }
  t.equal(await vreport([{ frame: 1, seconds: 1, file: '0001-0003.mp4' }]), 0, 'no movie yet')
  f.wrote('film', 1)
  t.equal(await vreport([{ frame: 1, seconds: 1, file: '0001.png' }]), 0, 'a picture is not the movie')
  const mp4 = f.wrote('film', 1, '0001-0003.mp4', 'ftyp')
  t.equal(await vreport([mp4, { ...mp4, frame: 2 }]), 2, 'the movie is there: its frames count')
  await f.send(a, 'done', { job: movie.id, tasks: vrun!.tasks, frames: [{ ...mp4, frame: 3 }], seconds: 3, output: '0001-0003.mp4' })
  t.equal((await f.view(movie.id)).status, 'completed')
})
