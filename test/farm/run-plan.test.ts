// The run plan for clusters (server/farm/run-plan.ts): how many single-use nodes the waiting work
// can use at once, and, through the farm, that the nodes a prenode started for a job each get a
// run: 100 frames of unknown time for 16 nodes go to 16 nodes, not to two of 50 frames.
import t from 'tap'
import { nodesWanted, planRuns, TARGET_RUN_SECONDS, type PlanJob } from '../../server/farm/run-plan.ts'
import { makeFarm, type TestFarm } from './farm-helpers.ts'

const job = (id: string, frames: number, more: Partial<PlanJob> = {}): PlanJob => ({ id, video: false, queuedTasks: frames, queuedFrames: frames, meanSeconds: null, overheadSeconds: 10, ...more })

t.test('the plan: nodes per job', async (t) => {
  t.equal(nodesWanted(job('a', 100)), 100, 'unknown frame time: a node per task')
  t.same(planRuns([job('a', 100)], 16), { nodes: new Map([['a', 16]]), total: 16 }, '100 frames, 16 slots: all 16')
  t.same(planRuns([job('a', 5)], 16).total, 5, '5 frames: 5 nodes, not 16')
  t.equal(nodesWanted(job('v', 250, { video: true, queuedTasks: 1 })), 1, 'a video is one run')
  t.equal(nodesWanted(job('done', 0, { queuedTasks: 0 })), 0, 'nothing queued: no node')

  // Known 2-minute frames: runs of about TARGET_RUN_SECONDS (3 minutes: 2 frames here).
  t.equal(TARGET_RUN_SECONDS, 180)
  t.equal(nodesWanted(job('k', 10, { meanSeconds: 120 })), 5, '10 frames of 2 min: 5 nodes of 2 frames')
  t.equal(planRuns([job('k', 100, { meanSeconds: 120 })], 16).total, 16, '100 frames of 2 min: capped at 16')
  t.equal(nodesWanted(job('s', 100, { meanSeconds: 1, overheadSeconds: 10 })), 1, '100 one-second frames: one node (start-up would outweigh them)')
  t.equal(nodesWanted(job('m', 600, { meanSeconds: 1, overheadSeconds: 10 })), 3, '600 one-second frames, 10 s start-up: runs of 200 frames (start-up under 5 %)')
  t.equal(nodesWanted(job('slow-start', 100, { meanSeconds: 2, overheadSeconds: 60 })), 1, 'start-up of a minute: at least 600 frames per run')

  // Many jobs, over the cap: one node each in turn (oldest first), so none takes the whole batch.
  const many = planRuns([job('big', 100), job('small', 5), job('video', 1, { video: true })], 16)
  t.same([...many.nodes], [['big', 10], ['small', 5], ['video', 1]], 'big 10, small 5, video 1')
  t.equal(many.total, 16)
  const tight = planRuns([job('a', 100), job('b', 100), job('c', 100)], 2)
  t.same([...tight.nodes], [['a', 1], ['b', 1], ['c', 0]], 'over the cap the oldest go first; the last waits for the next round')
  t.equal(planRuns([job('a', 3), job('b', 4)], 16).total, 7, 'under the cap: every job all it can use')
})

async function singleUse (f: TestFarm, name: string) {
  const credential = await f.farm.credentials.create(`c-${name}`)
  const cred = f.farm.checkCredential(credential)
  const welcome = await f.farm.hello({ name, version: '0.1.0', provides: [], shares: ['data'], processes: 1, singleUse: true, sandbox: { kind: 'bubblewrap' } }, cred)
  return { name, session: welcome.session, cred }
}

/** A prenode polls and acks with the plan; then `nodes` single-use nodes arrive `atOnce` at a time, each rendering its run. */
async function array (t: Tap, frames: number, nodes: number, atOnce: number, options: { sayNodes?: boolean } = {}) {
  const f = await makeFarm(t)
  f.blend('red', 'a.blend')
  const created = await f.farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: frames })
  const offer = await f.farm.prenodePoll({ name: 'slurm', provides: [], maxNodes: nodes, wait: false }, 'p')
  const planned = offer.nodes!
  await f.farm.prenodeAck({ name: 'slurm', jobs: [created.id], ...(options.sayNodes === false ? {} : { nodes: { [created.id]: planned } }) }, 'p')
  const used = new Map<string, number>()
  for (let i = 0; i < planned; i += atOnce) {
    const wave = []
    for (let k = i; k < Math.min(planned, i + atOnce); k++) wave.push(await singleUse(f, `slurm-77-${k + 1}`))
    for (const n of wave) {
      const work = await f.farm.work({ node: n.name, session: n.session, free: 1, running: [], wait: false }, n.cred)
      const run = work.runs[0]
      if (!run) continue
      used.set(n.name, run.frames.length)
      await f.farm.done({ node: n.name, session: n.session, job: run.job, tasks: run.tasks, frames: f.wrote(run.job, run.frames.map((frame) => ({ frame, seconds: 1 }))), seconds: 3 }, n.cred)
    }
    for (const n of wave) await f.farm.bye({ node: n.name, session: n.session }, n.cred)
  }
  return { f, planned, used, job: f.farm.jobFile(created.id)! }
}
type Tap = Parameters<typeof makeFarm>[0]

t.test('100 frames of unknown time, 16 slots: the array\'s nodes share them (two at a time, as on a 2-core Slurm)', async (t) => {
  const { planned, used, job } = await array(t, 100, 16, 2)
  t.equal(planned, 16, 'the plan asks for 16 nodes')
  t.ok(used.size >= 12, `${used.size} of 16 nodes rendered frames (runs of ${[...used.values()].join(', ')})`)
  t.equal(used.size, 16, 'every node planned got a run')
  t.equal(job.status, 'completed', 'and the job is done')
  t.ok(Math.max(...used.values()) - Math.min(...used.values()) <= 1, 'runs differ by one frame at most')
})

t.test('5 frames: 5 nodes of one frame', async (t) => {
  const { planned, used, job } = await array(t, 5, 16, 1)
  t.equal(planned, 5)
  t.same([...used.values()], [1, 1, 1, 1, 1])
  t.equal(job.status, 'completed')
})

t.test('without the nodes in the ack (an older prenode), runs are sized by the nodes online, as before', async (t) => {
  const { used } = await array(t, 100, 16, 2, { sayNodes: false })
  t.equal([...used.values()][0], 50, 'the first node takes 50 frames (the most for an unknown frame time)')
  t.ok(used.size < 12, `only ${used.size} of 16 nodes got work (runs of ${[...used.values()].join(', ')})`)
})
