// Scheduling choices: fair share across projects, priority within a project, first frames first,
// shares and tags, determinism given the random source.
import t from 'tap'
import { farmWithJob, hello, makeFarm, workNow, type TestNode } from './farm-helpers.ts'
import type { Farm } from '../../server/farm/farm.ts'
import type { FarmWork } from '../../schemas/generated/types.ts'

async function pollAll (farm: Farm, nodes: TestNode[]) {
  const got: Array<{ node: string, project: string, frames: number[] }> = []
  for (const n of nodes) {
    const w = await workNow(farm, n)
    for (const r of w.runs) got.push({ node: n.name, project: r.project, frames: r.frames })
  }
  return got
}

t.test('fair across projects: render priority 2 gets about twice the nodes of 1', async (t) => {
  const { farm, blend } = await makeFarm(t, { projects: { red: 2, blue: 1 } })
  blend('red', 'a.blend')
  blend('blue', 'b.blend')
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1000 })
  await farm.createJob('blue', { file: 'b.blend', frameStart: 1, frameEnd: 1000 })
  const nodes = []
  for (let i = 0; i < 30; i++) nodes.push(await hello(farm, `n${i}`))
  const got = await pollAll(farm, nodes)
  const red = got.filter((g) => g.project === 'red').length
  const blue = got.filter((g) => g.project === 'blue').length
  t.equal(red + blue, 30)
  t.ok(Math.abs(red - 20) <= 1 && Math.abs(blue - 10) <= 1, `red ${red} : blue ${blue}`)
})

t.test('within a project: first frames first, then higher priority', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'low.blend')
  blend('red', 'high.blend')
  const low = await farm.createJob('red', { file: 'low.blend', frameStart: 1, frameEnd: 100, priority: 10 })
  const high = await farm.createJob('red', { file: 'high.blend', frameStart: 1, frameEnd: 100, priority: 50 })
  const nodes = []
  for (let i = 0; i < 4; i++) nodes.push(await hello(farm, `n${i}`))
  const got = await pollAll(farm, nodes)
  const names = farm.listNodes().nodes.map((n) => `${n.runs[0]!.jobName}:${n.runs[0]!.frames[0]}`)
  t.same(names.slice(0, 2), ['high:1', 'low:1'], 'both first frames go out before anything else')
  t.same(names.slice(2).map((x) => x.split(':')[0]), ['high', 'high'], 'then the urgent job')
  t.equal(got.length, 4)
  t.equal(farm.getJob('red', high.id).nodes.length, 3)
  t.equal(farm.getJob('red', low.id).nodes.length, 1)
})

t.test('a job whose first run has written nothing yet waits behind jobs that render', async (t) => {
  const { farm, blend, wrote } = await makeFarm(t)
  blend('red', 'old.blend')
  blend('red', 'new.blend')
  const old = await farm.createJob('red', { file: 'old.blend', frameStart: 1, frameEnd: 100 })
  const a = await hello(farm, 'a')
  const w = await workNow(farm, a)
  await farm.report({ node: a.name, session: a.session, job: old.id, tasks: w.runs[0]!.tasks, frames: wrote(old.id, [{ frame: 1, seconds: 10 }]) }, a.cred)
  const fresh = await farm.createJob('red', { file: 'new.blend', frameStart: 1, frameEnd: 100 })
  const b = await hello(farm, 'b')
  const c = await hello(farm, 'c')
  const wb = await workNow(farm, b)
  t.equal(wb.runs[0]!.job, fresh.id, 'the new job\'s first frame goes out at once')
  const wc = await workNow(farm, c)
  t.equal(wc.runs[0]!.job, old.id, 'while it has written nothing, the job that renders comes first')
})

t.test('only nodes that reach the share and provide the tags get a job', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 3, requires: ['gpu'] })
  const plain = await hello(farm, 'plain')
  const far = await hello(farm, 'far', { provides: ['gpu'], shares: ['other'] })
  const gpu = await hello(farm, 'gpu', { provides: ['gpu', 'blender-3'] })
  const got = await pollAll(farm, [plain, far, gpu])
  t.same(got.map((g) => g.node), ['gpu'])
})

t.test('deterministic given the random source', async (t) => {
  const run = async (seed: number) => {
    const { farm, blend } = await makeFarm(t, { projects: { red: 1, blue: 1, green: 1 }, seed })
    for (const p of ['red', 'blue', 'green']) {
      blend(p, 'a.blend')
      await farm.createJob(p, { file: 'a.blend', frameStart: 1, frameEnd: 50 })
    }
    const nodes = []
    for (let i = 0; i < 12; i++) nodes.push(await hello(farm, `n${i}`))
    return (await pollAll(farm, nodes)).map((g) => `${g.project}:${g.frames.join(',')}`)
  }
  const a = await run(7)
  const b = await run(7)
  t.same(a, b, 'the same seed gives the same assignments')
  t.same(new Set(a.map((x) => x.split(':')[0])).size, 3, 'every project got nodes')
})

t.test('run sizes: bounded while unknown, and by ten minutes once measured', async (t) => {
  const { farm, wrote, job } = await farmWithJob(t, 1000)
  const n = await hello(farm, 'n', { processes: 2 })
  const w = await workNow(farm, n, { free: 2 })
  t.same(w.runs.map((r) => r.frames.length), [50, 50], 'at most 50 frames while the frame time is unknown')
  await farm.done({ node: n.name, session: n.session, job: job.id, tasks: w.runs[0]!.tasks, frames: wrote(job.id, w.runs[0]!.frames.map((frame) => ({ frame, seconds: 300 }))), seconds: 50 * 300 + 2 }, n.cred)
  const w2 = await workNow(farm, n, { running: [{ job: job.id, tasks: w.runs[1]!.tasks }] })
  t.same(w2.runs.map((r) => r.frames.length), [2], '300 s frames: runs of at most ten minutes')
})

t.test('a file rendered before: its tiny frames are not split over processes (a Blender start costs more)', async (t) => {
  const { farm, wrote, job: first } = await farmWithJob(t, 48)
  const n = await hello(farm, 'n', { processes: 2 })
  const w = await workNow(farm, n, { free: 2 })
  t.same(w.runs.map((r) => r.frames.length), [24, 12], 'nothing known yet: split over both processes (a share of what is left each)')
  for (const run of w.runs) await farm.done({ node: n.name, session: n.session, job: first.id, tasks: run.tasks, frames: wrote(first.id, run.frames.map((frame) => ({ frame, seconds: 0.04 }))), seconds: 1.5 + run.frames.length * 0.04 }, n.cred)
  const rest = await workNow(farm, n, { free: 2 })
  t.same(rest.runs.map((r) => r.frames.length), [12], 'once the frames are known to be tiny, the rest in one Blender')
  await farm.done({ node: n.name, session: n.session, job: first.id, tasks: rest.runs[0]!.tasks, frames: wrote(first.id, rest.runs[0]!.frames.map((frame) => ({ frame, seconds: 0.04 }))), seconds: 1.5 + 12 * 0.04 }, n.cred)
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 48 })
  const again = await workNow(farm, n, { free: 2 })
  t.same(again.runs.map((r) => r.frames.length), [48], 'known tiny frames: one Blender renders them all')
})

t.test('a node whose processes share its cores: one Blender per job until its frames are measured short', async (t) => {
  const { farm, blend, wrote } = await makeFarm(t)
  blend('red', 'tiny.blend')
  const job = await farm.createJob('red', { file: 'tiny.blend', frameStart: 1, frameEnd: 12 })
  const n = await hello(farm, 'n', { processes: 2, sharedCores: true })
  const w = await workNow(farm, n, { free: 2 })
  t.equal(w.runs.length, 1, 'frame time unknown: one run, the other process waits')
  const first = w.runs[0]!
  let answered: FarmWork | undefined
  const waiting = farm.work({ node: n.name, session: n.session, free: 1, running: [{ job: job.id, tasks: first.tasks }] }, n.cred)
  void waiting.then((x) => { answered = x })
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(answered, undefined, 'the free process\'s poll is held')
  await farm.report({ node: n.name, session: n.session, job: job.id, tasks: first.tasks, frames: wrote(job.id, [{ frame: first.frames[0]!, seconds: 0.05 }]) }, n.cred)
  const second = await waiting
  t.equal(second.runs.length, 1, 'the first frame shows short frames: the held poll gets a run of the same job')
  t.equal(second.runs[0]!.job, job.id)
  t.notOk(second.runs[0]!.frames.some((f) => first.frames.includes(f)), 'other frames')
})

t.test('long frames stay in one Blender on a node whose processes share its cores; other jobs and other nodes still get work', async (t) => {
  const { farm, blend, wrote } = await makeFarm(t)
  blend('red', 'heavy.blend')
  blend('red', 'other.blend')
  const job = await farm.createJob('red', { file: 'heavy.blend', frameStart: 1, frameEnd: 100 })
  const shared = await hello(farm, 'shared', { processes: 2, sharedCores: true })
  const w = await workNow(farm, shared, { free: 2 })
  const first = w.runs[0]!
  await farm.report({ node: shared.name, session: shared.session, job: job.id, tasks: first.tasks, frames: wrote(job.id, [{ frame: first.frames[0]!, seconds: 5 }]) }, shared.cred)
  const running = [{ job: job.id, tasks: first.tasks }]
  const more = await farm.work({ node: shared.name, session: shared.session, free: 1, running, wait: false }, shared.cred)
  t.same(more.runs, [], '5 s frames: no second Blender of the same job')
  const separate = await hello(farm, 'separate', { processes: 2 })
  const both = await workNow(farm, separate, { free: 2 })
  t.same(both.runs.map((r) => r.job), [job.id, job.id], 'a node whose processes have cores of their own takes two runs')
  const other = await farm.createJob('red', { file: 'other.blend', frameStart: 1, frameEnd: 3 })
  const next = await farm.work({ node: shared.name, session: shared.session, free: 1, running, wait: false }, shared.cred)
  t.same(next.runs.map((r) => r.job), [other.id], 'another job fills the free process')
  await farm.done({ node: shared.name, session: shared.session, job: job.id, tasks: first.tasks, frames: wrote(job.id, first.frames.slice(1).map((frame) => ({ frame, seconds: 5 }))), seconds: 5 * first.frames.length, free: 1, blenderKept: true }, shared.cred)
  const after = farm.listNodes().nodes.find((x) => x.name === 'shared')!.runs.map((r) => r.jobName)
  t.same(after.sort(), ['heavy', 'other'], 'its run done, the node takes the long job again in the freed process')
})
