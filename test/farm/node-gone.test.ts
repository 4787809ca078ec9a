// Dead nodes noticed early (issue 16 item 5), with a manual clock: a held work request closed from
// the node's end without an answer, and nothing more from that node for nodeGoneSeconds, is a
// node gone (killed, crashed); its tasks go to the queue at once, not after nodeTimeoutSeconds.
// A close alone is no proof: a node re-polling, or a poll that overtook the close, keeps it; reports
// sent before the close do not (a killed busy node sent them). Without a close (reports only) the
// node timeout decides; while the farm is read-only nobody is heard, so the grace starts again after.
import t from 'tap'
import type { FarmWork } from '../../schemas/generated/types.ts'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'
import { farmWithJob, hello, makeFarm, ref, workNow } from './farm-helpers.ts'
import { until } from '../helpers/until.ts'
import { logMatches, type LogEntry } from '../helpers/logs.ts'

const tick = () => new Promise((resolve) => setImmediate(resolve))

/** A farm with a job, pc-a rendering all of it and holding its poll open (free 0). */
async function busyNode (t: Parameters<typeof makeFarm>[0], settings = {}) {
  const f = await farmWithJob(t, 1, { settings })
  const warnings: LogEntry[] = []
  f.deps.log.warn = (fields, msg) => { warnings.push({ ...fields, level: 'warn', msg }) }
  const a = await hello(f.farm, 'pc-a')
  const run = (await workNow(f.farm, a)).runs[0]!
  /** pc-a's held poll, as the route makes it: `close` is the node's end of the connection closing. */
  const holdA = () => {
    const closed = new AbortController()
    const reply = f.farm.work({ node: a.name, session: a.session, free: 0, running: [ref(run)] }, a.cred, closed.signal)
    return { reply, close: () => closed.abort() }
  }
  /** pc-a holds a poll, then its end closes it (as when pc-a is killed). */
  const closeHeldPoll = async () => {
    const held = holdA()
    await tick()
    held.close()
    await held.reply
  }
  /** `seconds` pass on the manual clock, with the farm's sweep once a second. */
  const sweepEverySecond = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      f.clock.advance(1_000)
      await f.farm.sweep()
    }
  }
  const status = () => f.farm.getJob('red', f.job.id)
  const online = () => Object.fromEntries(f.farm.listNodes().nodes.map((n) => [n.name, n.online]))
  return { ...f, warnings, a, run, holdA, closeHeldPoll, sweepEverySecond, status, online }
}

t.test('a held request closed from the node\'s end, then silence for nodeGoneSeconds: gone, its tasks to an idle node at once', async (t) => {
  const { farm, clock, a, run, job, holdA, status, online, warnings } = await busyNode(t)
  const b = await hello(farm, 'pc-b')
  const waitingB = farm.work({ node: b.name, session: b.session, free: 1, running: [] }, b.cred)
  let gotB: FarmWork | undefined
  void waitingB.then((w) => { gotB = w })
  const held = holdA()
  await tick()
  held.close() // pc-a was killed: the kernel closed its connection
  t.same(await held.reply, { runs: [], cancel: [], paused: false }, 'the closed poll ends')
  clock.advance(4_900)
  await farm.sweep()
  t.equal(status().counts.active, 1, 'within the grace the task stays with pc-a')
  t.equal(gotB, undefined, 'pc-b still waits')
  clock.advance(200)
  await farm.sweep()
  t.same(online(), { 'pc-a': false, 'pc-b': true }, 'pc-a is offline after 5 s, not 60 s')
  // Answered once the change is on disk (real time; at most 2 s here, instead of hanging).
  await until('pc-b\'s held poll answered', () => gotB, { timeoutMs: 2000 })
  t.same(gotB?.runs.map((r) => r.tasks), [run.tasks], 'pc-b\'s held poll got pc-a\'s task at once')
  t.ok(warnings.some((w) => logMatches(w, { msg: /^node given up/, node: 'pc-a', reason: /^closed its request for work and sent nothing for 5 s/, requeued: [{ job: job.id, task: run.tasks[0] }] })), 'logged, with the task queued again')
  t.equal(status().counts.active, 1)
  t.same(status().nodes, ['pc-b'])
  clock.advance(20_000) // pc-b's poll, if still held, ends
  await waitingB
  await t.rejects(farm.report({ node: a.name, session: a.session, job: run.job, tasks: run.tasks, frames: [] }, a.cred), { statusCode: 409, code: 'RFAM_NOT_YOUR_TASK' }, 'pc-a may no longer report on it')
})

t.test('a busy node killed while its poll is held: the reports it sent meanwhile do not hide the close', async (t) => {
  const { farm, clock, a, run, holdA, status, online } = await busyNode(t)
  const held = holdA()
  await tick()
  clock.advance(1_000)
  await farm.report({ node: a.name, session: a.session, job: run.job, tasks: run.tasks, frames: [] }, a.cred) // a heartbeat
  held.close() // then it was killed
  await held.reply
  clock.advance(5_100)
  await farm.sweep()
  t.same(online(), { 'pc-a': false }, 'gone after 5 s')
  t.equal(status().counts.queued, 1, 'its task queued again')
})

t.test('a node that closes its held request and asks again within the grace keeps its work', async (t) => {
  const { clock, holdA, closeHeldPoll, sweepEverySecond, status, online, warnings } = await busyNode(t)
  await closeHeldPoll() // it gave the poll up itself (a run ended) …
  clock.advance(1_500)
  const second = holdA() // … and asked again
  await tick()
  await sweepEverySecond(15)
  t.same(online(), { 'pc-a': true })
  t.equal(status().counts.active, 1, 'still pc-a\'s')
  t.same(warnings, [])
  second.close()
  await second.reply
})

t.test('a new request that overtakes the close of the one before is no silence', async (t) => {
  const { holdA, sweepEverySecond, status, online } = await busyNode(t)
  const first = holdA()
  await tick()
  const second = holdA() // arrives before the server sees the first one closed
  first.close()
  await first.reply
  await sweepEverySecond(15)
  t.same(online(), { 'pc-a': true }, 'the second poll is still held: pc-a is there')
  t.equal(status().counts.active, 1)
  second.close()
  await second.reply
})

t.test('a held request that ends normally (long poll over, answered) is no close', async (t) => {
  const { clock, holdA, sweepEverySecond, status, online } = await busyNode(t)
  const held = holdA()
  await tick()
  clock.advance(20_000) // the long poll ends; the node is slow to ask again
  t.same(await held.reply, { runs: [], cancel: [], paused: false })
  await sweepEverySecond(30)
  t.same(online(), { 'pc-a': true }, 'only the node timeout (60 s) gives it up')
  t.equal(status().counts.active, 1)
})

t.test('a node rendering with no held poll open is left to the node timeout', async (t) => {
  const { farm, clock, a, run, closeHeldPoll, status, online, warnings } = await busyNode(t)
  await closeHeldPoll() // it gave its poll up …
  clock.advance(3_000)
  const report = () => farm.report({ node: a.name, session: a.session, job: run.job, tasks: run.tasks, frames: [] }, a.cred)
  await report() // … and reports progress, but asks for no work
  for (let i = 0; i < 30; i++) {
    clock.advance(1_000)
    await farm.sweep()
    if (i % 10 === 9) await report()
  }
  t.same(online(), { 'pc-a': true }, 'reports alone keep it: no closed request counts against it')
  clock.advance(59_000)
  await farm.sweep()
  t.equal(status().counts.active, 1, 'silent, it keeps its task until the node timeout')
  clock.advance(2_000)
  await farm.sweep()
  t.same(online(), { 'pc-a': false })
  t.ok(warnings.some((w) => logMatches(w, { msg: /^node given up/, node: 'pc-a', reason: 'has not been heard from for 60 s' })), 'given up by the node timeout')
})

t.test('while the farm is read-only nobody can be heard: a closed request\'s grace starts again when it goes on', async (t) => {
  const disk = mountSmallDisk(t, '2m')
  if (!disk) return t.plan(0, 'needs root to mount a small tmpfs as the farm folder')
  const { farm, clock, blend } = await makeFarm(t, { farmDir: disk })
  blend('red', 'a.blend')
  blend('red', 'b.blend')
  for (const file of ['a.blend', 'b.blend']) await farm.createJob('red', { file, frameStart: 1, frameEnd: 1 })
  const nodes = await Promise.all(['pc-a', 'pc-b'].map(async (name) => await hello(farm, name)))
  const polls = await Promise.all(nodes.map(async (n) => {
    const run = (await workNow(farm, n)).runs[0]!
    const closed = new AbortController()
    const reply = farm.work({ node: n.name, session: n.session, free: 0, running: [ref(run)] }, n.cred, closed.signal)
    return { n, run, reply, close: () => closed.abort() }
  }))
  await tick()
  const online = () => Object.fromEntries(farm.listNodes().nodes.map((n) => [n.name, n.online]))

  const free = fillDisk(disk)
  await t.rejects(farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1 }), 'a change fails on the full disk')
  t.ok(farm.state().farm?.readOnly, 'the farm is read-only')
  for (const p of polls) p.close() // both close their polls; pc-b is gone for good
  await Promise.all(polls.map((p) => p.reply))
  const [a, b] = polls
  clock.advance(70_000) // longer than the node timeout (60 s)
  await farm.sweep()
  await t.rejects(workNow(farm, a!.n, { free: 0, running: [ref(a!.run)] }), 'pc-a asks again: refused unheard')
  free()
  await until('the farm going on', () => !farm.state().farm)
  t.same(farm.state(), {}, 'the farm goes on')
  await farm.sweep()
  t.same(online(), { 'pc-a': true, 'pc-b': true }, 'nobody given up for a silence the farm imposed, however long (70 s > the node timeout)')
  await workNow(farm, a!.n, { free: 0, running: [ref(a!.run)] })
  clock.advance(5_100)
  await farm.sweep()
  t.same(online(), { 'pc-a': true, 'pc-b': false }, 'pc-a was heard; pc-b is gone 5 s after the farm went on')
  t.equal(farm.scheduler.runsOfNode(b!.n.name).length, 0, 'pc-b\'s task is queued again')
})

t.test('a node taken as gone that comes back claims its task back (nobody took it)', async (t) => {
  const { farm, clock, a, run, closeHeldPoll, status, online } = await busyNode(t)
  await closeHeldPoll()
  clock.advance(6_000)
  await farm.sweep()
  t.equal(status().counts.queued, 1, 'queued again')
  const back = await workNow(farm, a, { free: 0, running: [ref(run)] })
  t.same(back, { runs: [], cancel: [], paused: false }, 'it keeps rendering')
  t.same(online(), { 'pc-a': true })
  t.equal(status().counts.active, 1)
  t.same(status().nodes, ['pc-a'])
})

t.test('the grace is a setting; the welcome keeps the nodes\' back-off under half of it', async (t) => {
  const { farm, clock, closeHeldPoll, status, a } = await busyNode(t, { nodeGoneSeconds: 12 })
  await closeHeldPoll()
  clock.advance(11_000)
  await farm.sweep()
  t.equal(status().counts.active, 1, 'within 12 s it stays')
  clock.advance(1_100)
  await farm.sweep()
  t.equal(status().counts.queued, 1, 'after 12 s it is queued again')
  t.ok(a.welcome.backoffMaxSeconds <= 12 / 2, `back-off capped at ${a.welcome.backoffMaxSeconds} s`)
  const d = await makeFarm(t)
  const n = await hello(d.farm, 'pc-x')
  t.ok(n.welcome.backoffMaxSeconds <= 2.5, `by default at most 2.5 s (welcome says ${n.welcome.backoffMaxSeconds})`)
  t.ok(n.welcome.backoffMaxSeconds * (1 + n.welcome.jitter) < 5, 'with its jitter still under the 5 s grace')
})

t.test('a done sent twice (its reply lost) brings no second run for the same process', async (t) => {
  const { farm, wrote, job } = await farmWithJob(t, 40)
  const a = await hello(farm, 'pc-a')
  await hello(farm, 'pc-b')
  const first = (await workNow(farm, a)).runs[0]!
  const done = { node: a.name, session: a.session, job: job.id, tasks: first.tasks, frames: wrote(job.id, first.frames.map((frame) => ({ frame, seconds: 100 }))), seconds: first.frames.length * 100 + 1, free: 1 }
  const lost = await farm.done(done, a.cred) // the node timed out before this reply came
  t.equal(lost.runs?.length, 1, 'the first done brings the next run')
  const again = await farm.done(done, a.cred)
  t.same(again.runs ?? [], [], 'the same done again: that process has its run already, nothing more')
  const poll = await workNow(farm, a)
  t.same(poll.runs, lost.runs, 'its next poll gets the run whose reply was lost')
})
