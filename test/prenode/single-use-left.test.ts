// Single-use nodes through the farm: work a node of an array left behind (it was killed) is
// offered again to the prenode that started it, once none of the nodes it planned is still to
// come; finished single-use nodes fold into one entry per array in the node list, kept for a day
// (across a restart) and then dropped with their files.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { makeFarm, type TestFarm } from '../farm/farm-helpers.ts'
import type { Farm } from '../../server/farm/farm.ts'
import { ARRAY_KEEP_MS } from '../../server/farm/node-arrays.ts'

async function singleUse (farm: Farm, name: string) {
  const cred = farm.checkCredential(await farm.credentials.create(`c-${name}`))
  const welcome = await farm.hello({ name, version: '0.1.0', provides: [], shares: ['data'], processes: 1, singleUse: true, sandbox: { kind: 'bubblewrap' } }, cred)
  return { name, session: welcome.session, cred }
}
type Node = Awaited<ReturnType<typeof singleUse>>

const poll = (farm: Farm, maxNodes = 16) => farm.prenodePoll({ name: 'slurm', provides: [], maxNodes, wait: false }, 'p')
const take = async (farm: Farm, n: Node) => (await farm.work({ node: n.name, session: n.session, free: 1, running: [], wait: false }, n.cred)).runs[0]!
async function render (f: TestFarm, n: Node, run: Awaited<ReturnType<typeof take>>) {
  await f.farm.done({ node: n.name, session: n.session, job: run.job, tasks: run.tasks, frames: f.wrote(run.job, run.frames.map((frame) => ({ frame, seconds: 2 }))), seconds: 5 }, n.cred)
  await f.farm.bye({ node: n.name, session: n.session }, n.cred)
}

t.test('a killed array node\'s frames are offered again, once no planned node is still to come', async (t) => {
  const f = await makeFarm(t)
  const { farm, clock } = f
  f.blend('red', 'a.blend')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 10 })
  const offer = await poll(farm, 3)
  t.match(offer, { nodes: 3, jobs: [{ id: job.id, framesLeft: 10, nodes: 3 }] }, 'the plan: 3 nodes (maxNodes)')
  await farm.prenodeAck({ name: 'slurm', jobs: [job.id], nodes: { [job.id]: 3 } }, 'p')
  t.same((await poll(farm)).jobs, [], 'acknowledged: not offered again')

  const a = await singleUse(farm, 'slurm-5-1')
  const b = await singleUse(farm, 'slurm-5-2')
  const runA = await take(farm, a)
  const runB = await take(farm, b)
  t.same([runA.frames.length, runB.frames.length], [4, 3], 'each takes its share of the nodes still to come')
  // a is killed mid-run: silent past the node timeout, its frames go back to the queue.
  await farm.report({ node: b.name, session: b.session, job: runB.job, tasks: runB.tasks, frames: [] }, b.cred).catch(() => {})
  clock.advance(61_000)
  await farm.work({ node: b.name, session: b.session, free: 0, running: [{ job: runB.job, tasks: runB.tasks }], wait: false }, b.cred)
  await farm.sweep()
  t.equal(farm.jobFile(job.id)!.tasks.filter((x) => x.status === 'queued').length, 4 + 3, 'a\'s 4 frames queued again, beside the 3 left for the third node')
  t.same((await poll(farm)).jobs, [], 'the third node is still to come: it takes what is left, no new nodes')

  const c = await singleUse(farm, 'slurm-5-3')
  const runC = await take(farm, c)
  t.same(runC.frames, runA.frames, 'the last node planned takes the killed node\'s frames (a run is consecutive frames)')
  await render(f, c, runC)
  await render(f, b, runB)
  t.equal(farm.jobFile(job.id)!.tasks.filter((x) => x.status === 'queued').length, 3)
  const again = await poll(farm)
  t.match(again.jobs, [{ id: job.id, framesLeft: 3, nodes: 1 }], 'left behind, and no planned node is still to come: offered again, with a plan for what is left (2-second frames now known: one node)')
  await farm.prenodeAck({ name: 'slurm', jobs: [job.id], nodes: { [job.id]: 1 } }, 'p')
  t.same((await poll(farm)).jobs, [], 'and not again while that node is still to come')
  await farm.prenodeAck({ name: 'slurm', jobs: [job.id], nodes: { [job.id]: 1 } }, 'p')
  t.same((await farm.prenodePoll({ name: 'other', provides: [], wait: false }, 'p')).jobs.map((j) => j.id), [job.id], 'another prenode name sees it as before')

  const d = await singleUse(farm, 'slurm-6-1')
  const runD = await take(farm, d)
  t.equal(runD.frames.length, 3, 'the new node takes what is left (a second ack of the batch expected no second node)')
  await render(f, d, runD)
  t.equal(farm.jobFile(job.id)!.status, 'completed')
  const empty = await singleUse(farm, 'slurm-6-2')
  t.same((await farm.work({ node: empty.name, session: empty.session, free: 1, running: [], wait: false }, empty.cred)).runs, [], 'nothing for a node that came late')
  await farm.bye({ node: empty.name, session: empty.session }, empty.cred)
  t.same((await poll(farm)).jobs, [])
})

t.test('finished single-use nodes fold into one entry per array, kept for a day', async (t) => {
  const f = await makeFarm(t)
  const { farm, clock } = f
  f.blend('red', 'a.blend')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 6 })
  await farm.prenodeAck({ name: 'slurm', jobs: [job.id], nodes: { [job.id]: 4 } }, 'p')
  const nodes = []
  for (let i = 1; i <= 4; i++) nodes.push(await singleUse(farm, `slurm-1234-${i}`))
  const runs = []
  for (const n of nodes) runs.push(await take(farm, n))
  for (let i = 0; i < 3; i++) await render(f, nodes[i]!, runs[i]!)
  clock.advance(30_000)
  const other = await singleUse(farm, 'slurm-99-1')
  await farm.bye({ node: other.name, session: other.session }, other.cred)

  const list = farm.listNodes()
  t.same(list.nodes.map((n) => n.name), ['slurm-1234-4'], 'the live node is shown as a node; finished ones are not')
  t.same(list.arrays, [
    { name: 'slurm-99', slurmArray: '99', nodes: 1, frames: 0, finished: new Date(clock.now()).toISOString() },
    { name: 'slurm-1234', slurmArray: '1234', nodes: 3, frames: runs.slice(0, 3).reduce((s, r) => s + r.frames.length, 0), finished: new Date(clock.now() - 30_000).toISOString() },
  ], 'one entry per array, the latest first, with its nodes and frames')

  const restarted = await f.restart()
  t.same(restarted.listNodes().arrays.map((a) => [a.name, a.nodes, a.frames]), list.arrays.map((a) => [a.name, a.nodes, a.frames]), 'kept across a restart')
  await farm.close()

  const file = join(f.deps.farmDir, 'nodes', 'slurm-1234-1.json')
  t.ok(existsSync(file))
  clock.advance(ARRAY_KEEP_MS + 1000)
  await restarted.sweep()
  t.notOk(existsSync(join(f.deps.farmDir, 'nodes', 'slurm-99-1.json')), 'a day after its last node finished, an array is dropped, node files too')
  t.same(restarted.listNodes().arrays.map((a) => [a.name, a.nodes]), [['slurm-1234', 4]], 'not while a node of it was at work: its fourth node, given up now, joins it')
  t.ok(existsSync(file))
  clock.advance(ARRAY_KEEP_MS + 61_000)
  await restarted.sweep()
  t.same(restarted.listNodes().arrays, [], 'a day after its last node: dropped')
  t.notOk(existsSync(file))
})
