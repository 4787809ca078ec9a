// The farm service without HTTP: jobs, the node protocol, long polls, failures, timeouts and a
// restart, with a manual clock.
import t from 'tap'
import { farmWithJob, hello, makeFarm, ref, workNow } from './farm-helpers.ts'
import type { FarmTask, FarmWork } from '../../schemas/generated/types.ts'

t.test('creating jobs: paths inside the project, existing .blend files, sane ranges', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'shots/a.blend')
  await t.rejects(farm.createJob('red', { file: '../blue/a.blend', frameStart: 1, frameEnd: 2 }), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE' })
  await t.rejects(farm.createJob('red', { file: 'shots/missing.blend', frameStart: 1, frameEnd: 2 }), { statusCode: 400, code: 'RFAM_NO_FILE', message: /no file "shots\/missing.blend"/ })
  await t.rejects(farm.createJob('red', { file: 'shots/a.blend', frameStart: 9, frameEnd: 2 }), { statusCode: 400, code: 'RFAM_BAD_FRAMES' })
  await t.rejects(farm.createJob('nope', { file: 'shots/a.blend', frameStart: 1, frameEnd: 2 }), { statusCode: 404, code: 'RFAM_NO_PROJECT' })
  const view = await farm.createJob('red', { file: 'shots/a.blend', frameStart: 1, frameEnd: 6 }, { by: 'tom' })
  t.equal(view.status, 'queued')
  t.equal(view.path, 'shots/a.blend')
  t.equal(view.name, 'a')
  t.equal(view.counts.frames, 6)
  t.same(farm.listJobs('red').map((j) => j.id), [view.id])
  t.same(farm.listJobs('blue'), [])
  t.throws(() => farm.getJob('blue', view.id), { statusCode: 404, code: 'RFAM_NO_JOB' }, 'a job is only found in its own project')
})

t.test('the first frame goes first; consecutive frames go out in runs; every frame once', async (t) => {
  const { farm, blend, wrote, assets } = await makeFarm(t)
  blend('red', 'shots/a.blend')
  assets.set('red/shots/a.blend', { name: 'Cake shot', type: 'shot', state: 'wip', priority: 40 })
  const job = await farm.createJob('red', { file: 'shots/a.blend', frameStart: 1, frameEnd: 6 })
  t.equal(job.name, 'Cake shot', 'named after the asset')
  t.equal(job.priority, 40, 'with the asset\'s priority')
  const n = await hello(farm, 'pc-01', { processes: 2 })
  const w1 = await workNow(farm, n, { free: 2 })
  t.same(w1.runs.map((r) => r.frames), [[1, 2, 3], [4, 5]], 'one run per process, the first starting with frame 1; each a share of the frames left')
  t.equal(w1.runs[0]!.output, 'data::red/renders/shots/a/####', 'into renders/ and the file\'s path')
  const [first, second] = w1.runs as [FarmTask, FarmTask]
  await farm.report({ node: n.name, session: n.session, job: first.job, tasks: first.tasks, frames: wrote(first.job, [{ frame: 1, seconds: 2, memoryMB: 100 }]), current: 2 }, n.cred)
  t.equal(farm.getJob('red', job.id).counts.done, 1, 'a frame counts as soon as it is reported')
  await farm.done({ node: n.name, session: n.session, job: first.job, tasks: first.tasks, frames: wrote(first.job, [{ frame: 2, seconds: 2 }, { frame: 3, seconds: 2 }]), seconds: 7 }, n.cred)
  const w2 = await farm.done({ node: n.name, session: n.session, job: second.job, tasks: second.tasks, frames: wrote(second.job, [{ frame: 4, seconds: 2 }, { frame: 5, seconds: 1 }]), seconds: 4, free: 1 }, n.cred)
  t.same(w2.runs!.map((r) => r.frames), [[6]], 'the reply to done brings the last frame')
  await farm.done({ node: n.name, session: n.session, job: first.job, tasks: w2.runs![0]!.tasks, frames: wrote(first.job, [{ frame: 6, seconds: 4, memoryMB: 300 }]), seconds: 5 }, n.cred)
  const view = farm.getJob('red', job.id)
  t.equal(view.status, 'completed')
  t.equal(view.progress, 1)
  t.same(view.counts, { frames: 6, done: 6, active: 0, queued: 0, failed: 0, cancelled: 0 })
  t.equal(view.meanFrameSeconds, 13 / 6)
  t.same(view.fastestFrame, { frame: 5, seconds: 1 })
  t.same(view.slowestFrame, { frame: 6, seconds: 4 })
  t.equal(view.peakMemoryMB, 300)
  t.same(view.tasks!.map((x) => x.framesDone), [[1], [2], [3], [4], [5], [6]], 'every frame written exactly once')
  const w3 = await workNow(farm, n, { free: 2 })
  t.same(w3.runs, [], 'nothing left')
  await farm.flushStats()
  const stats = assets.get('red/shots/a.blend')!.renderStats!
  t.same(Object.keys(stats.frames!).sort(), ['1', '2', '3', '4', '5', '6'], 'render statistics reached the sidecar')
  t.equal(stats.frames!['6']![0]!.memoryMB, 300)
  t.equal(stats.frames!['6']![0]!.node, 'pc-01')
})

t.test('run sizes: the frames left shared among every process slot, the start-up paid once per Blender', async (t) => {
  const { farm, wrote, job } = await farmWithJob(t, 40)
  const a = await hello(farm, 'pc-a', { processes: 2 })
  const b = await hello(farm, 'pc-b', { processes: 2 })
  const wa = await workNow(farm, a)
  t.same(wa.runs.map((r) => r.frames.length), [10], '40 frames over 4 slots')
  const wb = await workNow(farm, b, { free: 2 })
  t.same(wb.runs.map((r) => r.frames.length), [8, 6], 'runs shrink as the frames run out (30 left over 4 slots, then 22), so no process idles at the end')
  await farm.done({ node: a.name, session: a.session, job: job.id, tasks: wa.runs[0]!.tasks, frames: wrote(job.id, wa.runs[0]!.frames.map((frame) => ({ frame, seconds: 30 }))), seconds: 309 }, a.cred)
  const again = await workNow(farm, a)
  t.same(again.runs.map((r) => r.frames.length), [6], 'a Blender started afresh: at least enough frames that its 9 s start-up stays under 5 % (16 left over 4 slots would be 4)')
  await farm.done({ node: a.name, session: a.session, job: job.id, tasks: again.runs[0]!.tasks, frames: wrote(job.id, again.runs[0]!.frames.map((frame) => ({ frame, seconds: 30 }))), seconds: 180, blenderKept: true }, a.cred)
  const warm = await workNow(farm, a)
  t.same(warm.runs.map((r) => r.frames.length), [3], 'its Blender kept the file loaded: no start-up to pay, a plain share (10 left over 4 slots)')
  t.equal(farm.getJob('red', job.id).counts.queued, 7)
})

t.test('a one-frame job is one run of one frame', async (t) => {
  const { farm, blend, wrote } = await makeFarm(t)
  blend('red', 'a.blend')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 3, frameEnd: 3 })
  const n = await hello(farm, 'pc-01', { processes: 4 })
  const w = await workNow(farm, n, { free: 4 })
  t.same(w.runs.map((r) => r.frames), [[3]])
  await farm.done({ node: n.name, session: n.session, job: job.id, tasks: w.runs[0]!.tasks, frames: wrote(job.id, [{ frame: 3, seconds: 1 }]), seconds: 1 }, n.cred)
  t.equal(farm.getJob('red', job.id).status, 'completed')
})

t.test('a video is one run of the whole range', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 48, video: true })
  const n = await hello(farm, 'pc-01', { processes: 2 })
  const w = await workNow(farm, n, { free: 2 })
  t.equal(w.runs.length, 1)
  t.equal(w.runs[0]!.frames.length, 48)
  t.equal(w.runs[0]!.video, true)
})

t.test('spread order with chunks: first, last, middle chunk on a farm of many nodes', async (t) => {
  const { farm, blend } = await makeFarm(t, { settings: { spreadFrames: true } })
  blend('red', 'a.blend')
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 16, chunkSize: 2 })
  const nodes = []
  for (let i = 0; i < 8; i++) nodes.push(await hello(farm, `pc-${i}`))
  const first: number[][] = []
  for (const n of nodes) {
    const w = await workNow(farm, n)
    first.push(...w.runs.map((r) => r.frames))
  }
  t.same(first.slice(0, 3), [[1, 2], [15, 16], [9, 10]], 'chunks go out first, last, middle')
  t.same(first.flat().sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1), 'every frame handed out once')
})

t.test('an idle node waiting in a long poll gets a new job at once; a cancel reaches a busy one', async (t) => {
  const { farm, blend, clock } = await makeFarm(t)
  blend('red', 'a.blend')
  const n = await hello(farm, 'pc-01')
  const waiting = farm.work({ node: n.name, session: n.session, free: 1, running: [] }, n.cred)
  let answered: FarmWork | undefined
  void waiting.then((w) => { answered = w })
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(answered, undefined, 'the poll is held open')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 3 })
  const w = await waiting
  t.same(w.runs.map((r) => r.frames), [[1, 2, 3]], 'the new job arrived in the held poll')
  const run = w.runs[0]!
  const listening = farm.work({ node: n.name, session: n.session, free: 0, running: [ref(run)] }, n.cred)
  await farm.updateJob('red', job.id, { action: 'cancel' }, 'tom')
  const c = await listening
  t.same(c.cancel, [ref(run)], 'the cancel reached the held poll')
  t.equal(farm.getJob('red', job.id).status, 'cancelled')
  t.match(farm.getJob('red', job.id).message, /Cancelled by tom/)
  const r = await farm.report({ node: n.name, session: n.session, job: run.job, tasks: run.tasks, frames: [] }, n.cred)
  t.same(r, { cancel: true }, 'a report on a cancelled task says stop')
  // A poll with nothing to do ends after the long poll time.
  const idle = farm.work({ node: n.name, session: n.session, free: 1, running: [] }, n.cred)
  await new Promise((resolve) => setImmediate(resolve))
  clock.advance(20_000)
  t.same(await idle, { runs: [], cancel: [], paused: false })
})

t.test('refusals: unknown credential, unknown session, forged reports, frames of other tasks', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  t.throws(() => farm.checkCredential(undefined), { statusCode: 401, code: 'RFAM_FARM_CREDENTIAL', message: /must send a farm credential/ })
  t.throws(() => farm.checkCredential('rfam_guess'), { statusCode: 401, code: 'RFAM_FARM_CREDENTIAL', message: /not known/ })
  const a = await hello(farm, 'pc-a')
  const b = await hello(farm, 'pc-b')
  await t.rejects(farm.work({ node: 'pc-a', session: 'f'.repeat(64), free: 1, running: [] }, a.cred), { statusCode: 401, code: 'RFAM_NODE_SESSION' })
  await t.rejects(farm.work({ node: 'pc-zz', session: a.session, free: 1, running: [] }, a.cred), { statusCode: 401, code: 'RFAM_NODE_SESSION' })
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 2 })
  const w = await workNow(farm, a)
  const run = w.runs[0]!
  await t.rejects(farm.report({ node: b.name, session: b.session, job: job.id, tasks: run.tasks, frames: [{ frame: 1, seconds: 1 }] }, b.cred),
    { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK', message: /being rendered by node "pc-a", not by "pc-b"/ })
  await t.rejects(farm.done({ node: b.name, session: b.session, job: job.id, tasks: run.tasks, frames: [], seconds: 1 }, b.cred), { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' })
  await t.rejects(farm.report({ node: a.name, session: a.session, job: job.id, tasks: run.tasks, frames: [{ frame: 2, seconds: 1 }] }, a.cred), { statusCode: 400, code: 'RFAM_BAD_FRAME' })
  await t.rejects(farm.report({ node: a.name, session: a.session, job: job.id, tasks: ['t99'], frames: [] }, a.cred), { statusCode: 400, code: 'RFAM_NO_TASK' })
  t.same(farm.getJob('red', job.id).counts.done, 0, 'nothing was recorded')
})

t.test('a failed frame is retried on another node; a node failing a job twice is blocklisted; the job fails with the log tail', async (t) => {
  const { farm, job } = await farmWithJob(t, 1, { settings: { maxRetries: 3, blocklistAfter: 2 } })
  const a = await hello(farm, 'pc-a')
  const b = await hello(farm, 'pc-b')
  const fail = async (n: typeof a, expectFrames: number[] | null) => {
    const w = await workNow(farm, n)
    if (expectFrames === null) { t.same(w.runs, [], `${n.name} gets nothing`); return }
    t.same(w.runs.map((r) => r.frames), [expectFrames], `${n.name} gets frame 1`)
    await farm.failed({ node: n.name, session: n.session, job: job.id, tasks: w.runs[0]!.tasks, frames: [], frame: 1, exitCode: 1, message: 'Blender stopped with exit code 1: Error: Cannot render, no camera', logTail: `Read blend\nError: Cannot render, no camera (${n.name})\n` }, n.cred)
  }
  await fail(a, [1])
  await fail(a, null) // another node can take it: pc-a waits
  await fail(b, [1])
  await fail(a, [1]) // both failed it once: anyone may try; pc-a is now blocklisted
  t.same(farm.getJob('red', job.id).blocklist, ['pc-a'])
  await fail(a, null)
  await fail(b, [1]) // fourth failure: maxRetries 3 exhausted
  const view = farm.getJob('red', job.id)
  t.equal(view.status, 'failed')
  t.equal(view.errors, 4)
  t.match(view.message, /Frame 1 failed 4 times. Last error \(on pc-b\): Blender stopped with exit code 1/)
  t.match(view.lastFailure!.logTail, /no camera \(pc-b\)/)
  t.equal(view.lastFailure!.exitCode, 1)
  await farm.updateJob('red', job.id, { action: 'requeue' }, 'tom')
  const again = farm.getJob('red', job.id)
  t.equal(again.status, 'queued', 'rendered again after requeue')
  t.same(again.blocklist, [], 'the blocklist is cleared')
  await fail(a, [1])
})

t.test('a single node failing a broken file: blocklisted, nobody left, the job fails at once', async (t) => {
  const { farm, job } = await farmWithJob(t, 10, { settings: { maxRetries: 5, blocklistAfter: 2 } })
  const a = await hello(farm, 'pc-a')
  for (let i = 0; i < 2; i++) {
    const w = await workNow(farm, a)
    t.equal(w.runs[0]!.frames[0], 1, 'the first frame goes first')
    await farm.failed({ node: a.name, session: a.session, job: job.id, tasks: w.runs[0]!.tasks, frames: [], exitCode: 1, message: 'no camera', logTail: 'x' }, a.cred)
  }
  const view = farm.getJob('red', job.id)
  t.equal(view.status, 'failed')
  t.match(view.message, /No render node is left that may render this job: pc-a failed it too often/)
  t.equal(view.counts.cancelled, 9)
})

t.test('Blender exiting 0 without writing every frame is a failure', async (t) => {
  const { farm, job } = await farmWithJob(t, 1)
  const a = await hello(farm, 'pc-a')
  const w = await workNow(farm, a)
  await farm.done({ node: a.name, session: a.session, job: job.id, tasks: w.runs[0]!.tasks, frames: [], seconds: 1 }, a.cred)
  const view = farm.getJob('red', job.id)
  t.equal(view.errors, 1)
  t.match(view.lastFailure!.message, /Blender finished without writing frame 1/)
  t.equal(view.counts.queued, 1, 'tried again')
})

t.test('a node silent past the timeout loses its tasks; others render them; it cannot report them any more', async (t) => {
  const { farm, clock, job } = await farmWithJob(t, 1, { settings: { nodeTimeoutSeconds: 60 } })
  const a = await hello(farm, 'pc-a')
  const b = await hello(farm, 'pc-b')
  const w = await workNow(farm, a)
  const run = w.runs[0]!
  clock.advance(30_000)
  await workNow(farm, b, { free: 0 })
  await farm.sweep()
  t.equal(farm.getJob('red', job.id).counts.active, 1, 'still within the timeout')
  clock.advance(31_000)
  await workNow(farm, b, { free: 0 })
  await farm.sweep()
  t.equal(farm.getJob('red', job.id).counts.queued, 1, 'queued again')
  t.same(farm.listNodes().nodes.map((n) => [n.name, n.online]), [['pc-a', false], ['pc-b', true]])
  const wb = await workNow(farm, b)
  t.same(wb.runs.map((r) => r.frames), [[1]], 'another node renders it')
  await t.rejects(farm.report({ node: a.name, session: a.session, job: job.id, tasks: run.tasks, frames: [{ frame: 1, seconds: 1 }] }, a.cred), { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' })
  const wa = await workNow(farm, a, { free: 0, running: [ref(run)] })
  t.same(wa.cancel, [ref(run)], 'the late node is told to stop')
})

t.test('a node that comes back in time claims its queued task back instead of it rendering twice', async (t) => {
  const { farm, wrote, clock, job } = await farmWithJob(t, 1)
  const a = await hello(farm, 'pc-a')
  const w = await workNow(farm, a)
  const run = w.runs[0]!
  clock.advance(61_000)
  await farm.sweep()
  t.equal(farm.getJob('red', job.id).counts.queued, 1)
  const back = await workNow(farm, a, { free: 0, running: [ref(run)] })
  t.same(back, { runs: [], cancel: [], paused: false }, 'it keeps rendering')
  t.same(farm.getJob('red', job.id).nodes, ['pc-a'])
  await farm.done({ node: a.name, session: a.session, job: job.id, tasks: run.tasks, frames: wrote(job.id, [{ frame: 1, seconds: 1 }]), seconds: 1 }, a.cred)
  t.equal(farm.getJob('red', job.id).status, 'completed')
})

t.test('a lost reply is sent again; a restarted node (hello without its runs) gives them back', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 4 })
  const a = await hello(farm, 'pc-a')
  const w = await workNow(farm, a)
  const again = await workNow(farm, a)
  t.same(again.runs, w.runs, 'a node that does not list its run gets the same run again')
  const a2 = await hello(farm, 'pc-a')
  t.not(a2.session, a.session, 'a new session')
  await t.rejects(workNow(farm, a), { statusCode: 401, code: 'RFAM_NODE_SESSION' }, 'the old session is gone')
  const b = await hello(farm, 'pc-b')
  const wb = await workNow(farm, b)
  t.same(wb.runs.map((r) => r.frames), [[1, 2]], 'the run the restarted node lost is queued again (shared with pc-a, back online)')
})

t.test('paused jobs and paused nodes get nothing; resuming wakes the waiting nodes', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 2, paused: true })
  t.equal(job.status, 'paused')
  const a = await hello(farm, 'pc-a')
  const waiting = farm.work({ node: a.name, session: a.session, free: 1, running: [] }, a.cred)
  await farm.setNodePaused('pc-a', true)
  await farm.updateJob('red', job.id, { action: 'resume' })
  await farm.setNodePaused('pc-a', false)
  const w = await waiting
  t.same(w.runs.map((r) => r.frames), [[1, 2]])
  await farm.setAllPaused(true)
  t.ok(farm.listNodes().nodes.every((n) => n.paused))
  const p = await workNow(farm, a, { running: [...w.runs.map(ref)] })
  t.same(p, { runs: [], cancel: [], paused: true })
  await t.rejects(farm.updateJob('red', job.id, { action: 'resume' }), { statusCode: 409, code: 'RFAM_BAD_STATE', message: /not paused/ })
  await t.rejects(farm.setNodePaused('pc-zz', true), { statusCode: 404, code: 'RFAM_NO_NODE' })
})

t.test('after a crash (no clean close) the farm reloads, nodes keep their work and finish the job', async (t) => {
  const { farm, wrote, restart, job } = await farmWithJob(t, 3)
  const a = await hello(farm, 'pc-a')
  const w = await workNow(farm, a)
  await farm.done({ node: a.name, session: a.session, job: job.id, tasks: w.runs[0]!.tasks, frames: wrote(job.id, [{ frame: 1, seconds: 1 }]), seconds: 1 }, a.cred)
  const w2 = await workNow(farm, a)
  t.same(w2.runs.map((r) => r.frames), [[2, 3]])
  await farm.report({ node: a.name, session: a.session, job: job.id, tasks: w2.runs[0]!.tasks, frames: wrote(job.id, [{ frame: 2, seconds: 1 }]), current: 3 }, a.cred)
  const farm2 = await restart()
  const view = farm2.getJob('red', job.id)
  t.same(view.counts, { frames: 3, done: 2, active: 1, queued: 0, failed: 0, cancelled: 0 }, 'nothing acknowledged was lost')
  const b = await hello(farm2, 'pc-b')
  const wb = await workNow(farm2, b)
  t.same(wb.runs, [], 'frame 3 is still pc-a\'s: nobody else renders it')
  const back = await workNow(farm2, a, { free: 0, running: [ref(w2.runs[0]!)] })
  t.same(back.cancel, [], 'pc-a carries on with its session')
  await farm2.done({ node: a.name, session: a.session, job: job.id, tasks: w2.runs[0]!.tasks, frames: wrote(job.id, [{ frame: 3, seconds: 1 }]), seconds: 2 }, a.cred)
  const done = farm2.getJob('red', job.id)
  t.equal(done.status, 'completed')
  t.same(done.tasks!.map((x) => x.framesDone), [[1], [2], [3]])
})

t.test('removing a job cancels its runs and forgets it', async (t) => {
  const { farm, job } = await farmWithJob(t, 3)
  const a = await hello(farm, 'pc-a')
  const w = await workNow(farm, a)
  const listening = farm.work({ node: a.name, session: a.session, free: 0, running: [ref(w.runs[0]!)] }, a.cred)
  await farm.removeJob('red', job.id, 'tom')
  t.same((await listening).cancel, [ref(w.runs[0]!)])
  t.same(farm.listJobs('red'), [])
  t.same(await farm.report({ node: a.name, session: a.session, job: job.id, tasks: w.runs[0]!.tasks, frames: [] }, a.cred), { cancel: true })
})

t.test('a node signing off gives its work back at once', async (t) => {
  const { farm, job } = await farmWithJob(t, 2)
  const a = await hello(farm, 'pc-a')
  await workNow(farm, a)
  await farm.bye({ node: a.name, session: a.session }, a.cred)
  t.equal(farm.getJob('red', job.id).counts.queued, 2)
  t.equal(farm.listNodes().nodes[0]!.online, false)
})

t.test('done can bring the next run; a cancel reaches a held poll that does not list the run', async (t) => {
  const { farm, wrote, job } = await farmWithJob(t, 100)
  const a = await hello(farm, 'pc-a')
  await hello(farm, 'pc-b')
  const w = await workNow(farm, a)
  const first = w.runs[0]!
  const held = farm.work({ node: a.name, session: a.session, free: 0, running: [ref(first)] }, a.cred)
  let answered = false
  void held.then(() => { answered = true })
  const reply = await farm.done({ node: a.name, session: a.session, job: job.id, tasks: first.tasks, frames: wrote(job.id, first.frames.map((frame) => ({ frame, seconds: 600 }))), seconds: first.frames.length * 600 + 1, free: 1 }, a.cred)
  t.equal(reply.runs?.length, 1, 'the reply to done carries the next run')
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(answered, 'the held poll stays open: the node is busy again')
  await farm.updateJob('red', job.id, { action: 'cancel' })
  const c = await held
  t.same(c.cancel, [ref(reply.runs![0]!)], 'the cancel names the run the poll did not list')
  const after = await workNow(farm, a)
  t.same(after.cancel, [], 'told once')
})

t.test('only the node a task was last handed to claims it back, and only for a while; others are refused', async (t) => {
  const { farm, wrote, clock, job } = await farmWithJob(t, 2)
  const a = await hello(farm, 'pc-a')
  const b = await hello(farm, 'pc-b')
  const run = (await workNow(farm, a)).runs[0]!
  clock.advance(61_000)
  await farm.sweep()
  t.equal(farm.getJob('red', job.id).counts.queued, 2, 'pc-a went silent: its tasks are queued again')
  t.equal(farm.jobFile(job.id)!.tasks[0]!.lastNode, 'pc-a', 'a task remembers who had it')
  const listed = await workNow(farm, b, { free: 0, running: [ref(run)] })
  t.same(listed.cancel, [ref(run)], 'pc-b listing pc-a\'s run is told to stop it, not given it')
  t.equal(farm.getJob('red', job.id).counts.queued, 2)
  const frames = run.frames.map((frame) => ({ frame, seconds: 1 }))
  await t.rejects(farm.done({ node: b.name, session: b.session, job: job.id, tasks: run.tasks, frames: wrote(job.id, frames), seconds: 2 }, b.cred),
    { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK', message: /was not handed to node "pc-b"/ })
  await t.rejects(farm.failed({ node: b.name, session: b.session, job: job.id, tasks: run.tasks, frames: [], exitCode: 1, message: 'forged', logTail: '' }, b.cred), { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' })
  await t.rejects(farm.report({ node: b.name, session: b.session, job: job.id, tasks: run.tasks, frames: [] }, b.cred), { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' })
  t.match(farm.getJob('red', job.id), { counts: { queued: 2, done: 0 }, errors: 0, blocklist: [] }, 'nothing changed')

  clock.advance(2 * 3600_000)
  t.same(await farm.done({ node: a.name, session: a.session, job: job.id, tasks: run.tasks, frames: wrote(job.id, frames), seconds: 2 }, a.cred), { cancel: true },
    'pc-a, back hours later, is told to stop: the task waits for whoever is given it next')
  t.equal(farm.getJob('red', job.id).counts.done, 0)
  const again = await workNow(farm, a)
  t.same(again.runs.map((r) => r.frames), [run.frames], 'handed out afresh')
})

t.test('a node that gave a task up (failed, signed off) cannot report on it again', async (t) => {
  const { farm, wrote, job } = await farmWithJob(t, 1)
  const a = await hello(farm, 'pc-a')
  const run = (await workNow(farm, a)).runs[0]!
  const failure = { node: a.name, session: a.session, job: job.id, tasks: run.tasks, frames: [], exitCode: 1, message: 'no camera', logTail: '' }
  await farm.failed(failure, a.cred)
  await t.rejects(farm.failed(failure, a.cred), { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' }, 'the same failure sent twice counts once')
  t.equal(farm.getJob('red', job.id).errors, 1)
  const next = (await workNow(farm, a)).runs[0]!
  await farm.bye({ node: a.name, session: a.session }, a.cred)
  const back = await hello(farm, 'pc-a')
  await t.rejects(farm.done({ node: a.name, session: back.session, job: job.id, tasks: next.tasks, frames: wrote(job.id, [{ frame: 1, seconds: 1 }]), seconds: 1 }, a.cred),
    { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' }, 'after bye its tasks are others\' to take')
  t.equal(farm.getJob('red', job.id).counts.done, 0)
})
