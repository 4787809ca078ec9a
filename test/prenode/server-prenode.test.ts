// The server's side of prenodes: which jobs a prenode name is offered (waiting work only, its
// tags, not yet acknowledged), held polls woken by new jobs, acknowledgements kept across a
// restart; and over HTTP: the farm credential before anything else, clear 4xx for bad bodies.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hello, makeFarm } from '../farm/farm-helpers.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const ask = (name: string, provides: string[] = [], wait = false) => ({ name, provides, wait })

t.test('offers waiting jobs once per prenode name, with their tags', async (t) => {
  const f = await makeFarm(t)
  const { farm, clock } = f
  f.blend('red', 'a.blend')
  const plain = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 10 })
  clock.advance(1000)
  const gpu = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 250, video: true, requires: ['gpu'] })
  const paused = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 3, paused: true })

  const cpuOnly = await farm.prenodePoll(ask('cpu'), 'test')
  t.same(cpuOnly.jobs.map((j) => j.id), [plain.id], 'a job requiring a tag the prenode lacks is not offered, nor a paused one')
  t.match(cpuOnly.jobs[0], { name: 'a', project: 'red', video: false, requires: [], framesLeft: 10 })
  const both = await farm.prenodePoll(ask('gpu-pool', ['gpu', 'fast']), 'test')
  t.same(both.jobs.map((j) => j.id), [plain.id, gpu.id], 'oldest first')
  t.match(both.jobs[1], { video: true, framesLeft: 250, requires: ['gpu'] })

  await farm.prenodeAck({ name: 'cpu', jobs: [plain.id] }, 'test')
  t.same((await farm.prenodePoll(ask('cpu'), 'test')).jobs, [], 'acknowledged: never offered to that name again')
  t.same((await farm.prenodePoll(ask('notify', ['gpu']), 'test')).jobs.map((j) => j.id), [plain.id, gpu.id], 'another name still sees both')
  t.same(farm.jobFile(plain.id)!.seenBy, ['cpu'])
  await farm.prenodeAck({ name: 'cpu', jobs: [plain.id] }, 'test')
  t.same(farm.jobFile(plain.id)!.seenBy, ['cpu'], 'a second ack changes nothing')
  await farm.prenodeAck({ name: 'cpu', jobs: ['00000000-0000-4000-8000-000000000000'] }, 'test')

  await farm.updateJob('red', paused.id, { action: 'resume' })
  t.same((await farm.prenodePoll(ask('cpu'), 'test')).jobs.map((j) => j.id), [paused.id], 'a resumed job is offered')
  await farm.updateJob('red', paused.id, { action: 'cancel' })
  t.same((await farm.prenodePoll(ask('cpu'), 'test')).jobs, [], 'a cancelled job is not')

  // Frames being rendered are not left for the cluster: only queued ones count.
  const n = await hello(farm, 'pc-1')
  const work = await farm.work({ node: n.name, session: n.session, free: 1, running: [], wait: false }, n.cred)
  t.equal(work.runs[0]!.job, plain.id)
  const taken = work.runs[0]!.frames.length
  const left = (await farm.prenodePoll(ask('other'), 'test')).jobs.find((j) => j.id === plain.id)
  if (taken < 10) t.equal(left?.framesLeft, 10 - taken, 'frames being rendered are not counted')
  else t.equal(left, undefined, 'a job whose every frame is being rendered is not offered')

  const restarted = await f.restart()
  t.same(restarted.jobFile(plain.id)!.seenBy, ['cpu'], 'seenBy is on disk')
  t.same((await restarted.prenodePoll(ask('cpu'), 'test')).jobs, [])
  await t.rejects(restarted.prenodePoll(ask('cpu'), 'other'), { statusCode: 403, code: 'RFAM_PRENODE_NAME_BOUND' }, 'the name stays with its credential across a restart')
  await t.rejects(restarted.prenodeAck({ name: 'cpu', jobs: [gpu.id] }, 'other'), { statusCode: 403, code: 'RFAM_PRENODE_NAME_BOUND' })
  t.same(restarted.jobFile(gpu.id)!.seenBy, [], 'a refused ack changes nothing')
})

t.test('finished jobs are never offered', async (t) => {
  const f = await makeFarm(t)
  const { farm } = f
  f.blend('red', 'a.blend')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1 })
  const n = await hello(farm, 'pc-1')
  const work = await farm.work({ node: n.name, session: n.session, free: 1, running: [], wait: false }, n.cred)
  t.same((await farm.prenodePoll(ask('late'), 'test')).jobs, [], 'its only frame is being rendered')
  await farm.done({ node: n.name, session: n.session, job: job.id, tasks: work.runs[0]!.tasks, frames: f.wrote(job.id, [{ frame: 1, seconds: 1 }]), seconds: 1 }, n.cred)
  t.equal(farm.jobFile(job.id)!.status, 'completed')
  t.same((await farm.prenodePoll(ask('late'), 'test')).jobs, [], 'a prenode started later does not start nodes for it')
})

t.test('a held poll is answered when a job for it arrives, or empty at the long-poll timeout', async (t) => {
  const f = await makeFarm(t)
  const { farm, clock } = f
  f.blend('red', 'a.blend')
  let answered = false
  const held = farm.prenodePoll(ask('cluster', [], true), 'test').then((r) => { answered = true; return r })
  const gpuOnly = farm.prenodePoll(ask('cluster-2', [], true), 'test')
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(answered, 'nothing to offer: the poll is held')
  await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 2, requires: ['gpu'] })
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(answered, 'a job it cannot serve does not answer it')
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 4 })
  t.same((await held).jobs.map((j) => j.id), [job.id])
  t.same((await gpuOnly).jobs.map((j) => j.id), [job.id])

  await farm.prenodeAck({ name: 'cluster', jobs: [job.id] }, 'test')
  const idle = farm.prenodePoll(ask('cluster', [], true), 'test')
  clock.advance(farm.longPollSeconds() * 1000)
  t.same(await idle, { longPollSeconds: 20, jobs: [] }, 'empty at the timeout; the reply says how long the server holds a poll')

  const aborted = new AbortController()
  const gone = farm.prenodePoll(ask('cluster', [], true), 'test', aborted.signal)
  aborted.abort()
  t.same(await gone, { longPollSeconds: 20, jobs: [] }, 'a prenode that went away frees its poll')
  const closing = farm.prenodePoll(ask('cluster', [], true), 'test')
  await farm.close()
  t.same(await closing, { longPollSeconds: 20, jobs: [] }, 'closing the farm answers held polls')
  await t.rejects(farm.prenodePoll(ask('cluster'), 'test'), { statusCode: 503, code: 'RFAM_CLOSING' })
})

t.test('the prenode protocol over HTTP', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  writeFileSync(join(s.projectDir(), 'y.blend'), TINY_BLEND)
  const credential = await s.app.farm.credentials.create('cluster')
  const post = (url: string, payload: unknown, secret: string | null = credential) => s.app.inject({
    method: 'POST', url: `/api/farm/prenode/${url}`, payload: payload as object, headers: secret ? { authorization: `Bearer ${secret}` } : {},
  })

  const anon = await post('poll', { garbage: true }, null)
  t.equal(anon.statusCode, 401, 'no credential: refused before the body is looked at')
  t.match(anon.json(), { code: 'RFAM_FARM_CREDENTIAL', message: /farm credential/ })
  t.equal((await post('ack', { name: 'x', jobs: [] }, 'rfam_wrong')).statusCode, 401)
  const noProvides = await post('poll', { name: 'cluster' })
  t.equal(noProvides.statusCode, 400)
  t.match(noProvides.json().message, /provides/)
  const badName = await post('poll', { name: '../x', provides: [] })
  t.equal(badName.statusCode, 400)
  const badAck = await post('ack', { name: 'cluster', jobs: ['not-a-job'] })
  t.equal(badAck.statusCode, 400)
  t.match(badAck.json().message, /uuid/)
  t.equal((await post('ack', { name: 'cluster', jobs: [] })).statusCode, 400, 'an empty ack is refused')

  t.same((await post('poll', { name: 'cluster', provides: [], wait: false })).json(), { longPollSeconds: 20, nodes: 0, jobs: [] })
  t.equal((await post('poll', { name: 'cluster', provides: [], maxNodes: 0, wait: false })).statusCode, 400, 'maxNodes of 0 is refused')
  t.equal((await post('ack', { name: 'cluster', jobs: ['00000000-0000-4000-8000-000000000000'], nodes: { 'not-a-job': 1 } })).statusCode, 400, 'nodes must be counted per job id')
  t.equal((await post('ack', { name: 'cluster', jobs: ['00000000-0000-4000-8000-000000000000'], nodes: { '00000000-0000-4000-8000-000000000000': -1 } })).statusCode, 400, 'and never below 0')
  const job = (await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload: { file: 'y.blend', frameStart: 1, frameEnd: 3 } })).json()
  const offered = await post('poll', { name: 'cluster', provides: [] })
  t.equal(offered.statusCode, 200)
  t.match(offered.json(), { nodes: 3, jobs: [{ id: job.id, framesLeft: 3, video: false, project: 'demo', nodes: 3 }] }, 'with the run plan: a node per frame of unknown time')
  const acked = await post('ack', { name: 'cluster', jobs: [job.id], nodes: { [job.id]: 3 } })
  t.equal(acked.statusCode, 204)
  t.same((await post('poll', { name: 'cluster', provides: [], wait: false })).json(), { longPollSeconds: 20, nodes: 0, jobs: [] })
  const view = (await s.app.inject({ url: `/api/projects/demo/jobs/${job.id}`, headers: { cookie } })).json()
  t.equal(view.status, 'queued', 'acknowledging changes nothing else')
})
