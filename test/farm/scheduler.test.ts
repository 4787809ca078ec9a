// Scheduling choices: fair share across projects, priority within a project, first frames first,
// shares and tags, determinism given the random source.
import t from 'tap'
import { hello, makeFarm } from './farm-helpers.ts'
import type { Farm } from '../../server/farm/farm.ts'

async function pollAll (farm: Farm, nodes: Array<Awaited<ReturnType<typeof hello>>>) {
  const got: Array<{ node: string, project: string, frames: number[] }> = []
  for (const n of nodes) {
    const w = await farm.work({ node: n.name, session: n.session, free: 1, running: [], wait: false }, n.cred)
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
  const jobOf = (frames: number[], i: number) => `${farm.listNodes().nodes[i]!.runs[0]!.jobName}:${frames[0]}`
  t.same(got.map((g, i) => jobOf(g.frames, i)), ['high:1', 'low:1', 'high:2', 'high:' + got[3]!.frames[0]], 'both first frames before anything else, then the urgent job')
  t.equal(farm.getJob('red', high.id).nodes.length, 3)
  t.equal(farm.getJob('red', low.id).nodes.length, 1)
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

t.test('run sizes: half the frames per slot while unknown, bounded once measured', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1000 })
  const n = await hello(farm, 'n', { processes: 2 })
  const w = await farm.work({ node: n.name, session: n.session, free: 2, running: [], wait: false }, n.cred)
  t.same(w.runs.map((r) => r.frames.length), [1, 50], 'probe, then at most 50 frames while the frame time is unknown')
  await farm.done({ node: n.name, session: n.session, job: job.id, tasks: w.runs[0]!.tasks, frames: [{ frame: 1, seconds: 300 }], seconds: 301 }, n.cred)
  const w2 = await farm.work({ node: n.name, session: n.session, free: 1, running: [{ job: job.id, tasks: w.runs[1]!.tasks }], wait: false }, n.cred)
  t.same(w2.runs.map((r) => r.frames.length), [2], '300 s frames: runs of at most ten minutes')
})
