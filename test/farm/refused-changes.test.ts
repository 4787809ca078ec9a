// A change the farm cannot write is refused whole (issue 16, item 1): on a real full disk (a small
// tmpfs as the farm folder, as root), work handed out, frames reported and a job's priority are
// refused with 507, and the farm in memory is as it was, down to the scheduler's counts, the runs
// and the render statistics. Meanwhile every change is refused up front; once there is room the
// farm goes on by itself and the same requests work.
import t from 'tap'
import type { Asset } from '../../schemas/generated/types.ts'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'
import { hello, makeFarm } from './farm-helpers.ts'
import { until } from '../helpers/until.ts'

/** Each task of a run names its node twice: fifty tasks make a line far longer than the page left in the journal file. */
const NODE = 'n'.repeat(64)

t.test('refused changes leave the farm as it was; it goes on once there is room', async (t) => {
  const disk = mountSmallDisk(t, '2m')
  if (!disk) return t.plan(0, 'needs root to mount a small tmpfs as the farm folder')
  const { farm, blend, wrote, assets } = await makeFarm(t, { farmDir: disk })
  blend('red', 'shots/a.blend')
  assets.set('red/shots/a.blend', { name: 'Shot', type: 'shot', state: 'wip', priority: 40 } as Asset)
  const job = await farm.createJob('red', { file: 'shots/a.blend', frameStart: 1, frameEnd: 50 })
  const n = await hello(farm, NODE)
  const rt = farm.scheduler.jobs.get(job.id)!
  const counts = () => ({ ...rt.taskCounts, queuedFrames: rt.queuedFrames, activeFrames: rt.activeFrames, doneFrames: rt.doneFrames, runs: rt.runs.size, nodeRuns: farm.scheduler.runsOfNode(NODE).length })
  const fresh = counts()

  let free = fillDisk(disk)
  await t.rejects(farm.work({ node: NODE, session: n.session, free: 1, running: [], wait: false }, n.cred), { name: 'DiskFullError' }, 'work cannot be handed out')
  t.same(counts(), fresh, 'nothing was handed out: counts and runs as before')
  t.match(farm.jobFile(job.id), { status: 'queued', revision: 0 })
  t.ok(farm.jobFile(job.id)!.tasks.every((x) => x.status === 'queued' && x.attempts === 0 && !x.assignedAt), 'every task as before')
  t.match(farm.state(), { farm: { readOnly: { reason: 'disk-full', message: /farm folder is full/ } } }, 'the farm says it is read-only')
  await t.rejects(farm.updateJob('red', job.id, { priority: 3 }), { name: 'DiskFullError' }, 'a change of priority is refused up front')
  t.equal(farm.getJob('red', job.id).priority, 40)

  free()
  await until('the farm going on', () => !farm.state().farm)
  t.same(farm.state(), {}, 'with room again the farm goes on by itself')
  const work = await farm.work({ node: NODE, session: n.session, free: 1, running: [], wait: false }, n.cred)
  const run = work.runs[0]!
  t.ok(run.frames.length >= 20, `the same request is given a run now (${run.frames.length} frames)`)
  const handed = counts()

  free = fillDisk(disk)
  const frames = wrote(job.id, run.frames.map((frame) => ({ frame, seconds: 2 })))
  await t.rejects(farm.report({ node: NODE, session: n.session, job: job.id, tasks: run.tasks, frames }, n.cred), { name: 'DiskFullError' }, 'a report is refused')
  t.same(counts(), handed, 'its frames do not count: counts and runs as before')
  t.ok(farm.jobFile(job.id)!.tasks.every((x) => !x.framesDone?.length && !x.samples?.length), 'no frame is done, no sample kept')
  await farm.flushStats()
  t.notOk(assets.get('red/shots/a.blend')!.renderStats, 'no render statistics reached the asset')
  await t.rejects(farm.done({ node: NODE, session: n.session, job: job.id, tasks: run.tasks, frames, seconds: 40 }, n.cred), { name: 'DiskFullError' }, 'nor is done acknowledged')

  free()
  await until('the farm going on', () => !farm.state().farm)
  const done = await farm.done({ node: NODE, session: n.session, job: job.id, tasks: run.tasks, frames, seconds: 40 }, n.cred)
  t.same(done, { cancel: false }, 'the node delivers done again, and it is acknowledged')
  t.equal(farm.getJob('red', job.id).counts.done, run.frames.length, 'with every frame of the run')
  await farm.flushStats()
  t.equal(Object.keys(assets.get('red/shots/a.blend')!.renderStats!.frames!).length, run.frames.length, 'and its statistics, once each')
})
