// The state machine: which status changes exist, what task changes do to the job, what people's
// actions do, and the 409 error for everything else.
import t from 'tap'
import type { Job } from '../../schemas/generated/types.ts'
import { JobStateMachine, FarmStateError, canMoveJob, canMoveTask } from '../../server/farm/job-states.ts'
import { createJob } from '../../server/farm/job-factory.ts'
import { say } from '../../common/sentences.ts'

const now = () => Date.parse('2025-07-14T09:30:00Z')
const job = (frames = 3, extra: Record<string, unknown> = {}): Job => createJob({
  id: '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b',
  now: now(),
  project: 'red',
  projectDir: 'data::red',
  body: { file: 'shots/a.blend', frameStart: 1, frameEnd: frames, ...extra },
})

t.test('the transition tables', async (t) => {
  t.ok(canMoveTask('queued', 'active'))
  t.ok(canMoveTask('active', 'queued'), 'an active task can be queued again (node gone)')
  t.notOk(canMoveTask('completed', 'queued'), 'a completed task stays completed')
  t.notOk(canMoveTask('queued', 'completed'), 'a task is rendered before it completes')
  t.ok(canMoveJob('paused', 'completed'), 'running tasks of a paused job may finish it')
  t.notOk(canMoveJob('completed', 'queued'))
  t.notOk(canMoveJob('cancelled', 'active'))
})

t.test('impossible moves throw a 409 FarmStateError with a sentence', async (t) => {
  const sm = new JobStateMachine(now)
  const j = job()
  const err = t.throws(() => sm.moveTask(j, j.tasks[0]!, 'completed')) as FarmStateError
  t.ok(err instanceof FarmStateError)
  t.equal(err.statusCode, 409)
  t.equal(err.code, 'RFAM_BAD_STATE')
  t.match(err.message, /Task t1 of job "a.blend" is queued; it cannot become completed/)
  t.equal(j.tasks[0]!.status, 'queued', 'nothing changed')
})

t.test('task changes settle the job', async (t) => {
  const sm = new JobStateMachine(now)
  const seen: string[] = []
  sm.listen({ taskChanged: (_j, task, from) => seen.push(`${task.id}:${from}>${task.status}`), jobChanged: (j, from) => seen.push(`job:${from}>${j.status}`) })
  const j = job(2)
  sm.moveTask(j, j.tasks[0]!, 'active')
  sm.settle(j)
  t.equal(j.status, 'active')
  t.ok(j.started, 'started is stamped')
  sm.moveTask(j, j.tasks[0]!, 'completed')
  sm.settle(j)
  t.equal(j.status, 'active', 'one task left')
  sm.moveTask(j, j.tasks[1]!, 'active')
  sm.moveTask(j, j.tasks[1]!, 'completed')
  sm.settle(j)
  t.equal(j.status, 'completed')
  t.ok(j.finished)
  t.same(seen, ['t1:queued>active', 'job:queued>active', 't1:active>completed', 't2:queued>active', 't2:active>completed', 'job:active>completed'])
})

t.test('a task failed for good fails the job and cancels the rest', async (t) => {
  const sm = new JobStateMachine(now)
  const j = job(3)
  sm.moveTask(j, j.tasks[0]!, 'active')
  sm.moveTask(j, j.tasks[1]!, 'active')
  sm.moveTask(j, j.tasks[0]!, 'failed')
  sm.settle(j, say('job:msg-frame-failed', { frame: 1, tries: 4, node: 'pc-1', error: 'no camera' }))
  t.equal(j.status, 'failed')
  t.equal(j.message, 'Frame 1 failed 4 times. Last error (on pc-1): no camera')
  t.same(j.sentence, { key: 'job:msg-frame-failed', params: { frame: 1, tries: 4, node: 'pc-1', error: 'no camera' } }, 'the message travels as a sentence too')
  t.same(j.tasks.map((x) => x.status), ['failed', 'cancelled', 'cancelled'])
})

t.test('pause, resume, cancel and requeue', async (t) => {
  const sm = new JobStateMachine(now)
  const j = job(3)
  sm.act(j, 'pause', 'tom')
  t.equal(j.status, 'paused')
  t.match(j.message, /Paused by tom/)
  t.throws(() => sm.act(j, 'pause'), { statusCode: 409, message: /paused already/ })
  sm.act(j, 'resume')
  t.equal(j.status, 'queued', 'nothing started yet: back to queued')
  t.throws(() => sm.act(j, 'resume'), { statusCode: 409, message: /not paused/ })
  sm.moveTask(j, j.tasks[0]!, 'active')
  sm.settle(j)
  sm.act(j, 'pause')
  sm.act(j, 'resume')
  t.equal(j.status, 'active', 'work had started: back to active')
  const stopped = sm.act(j, 'cancel', 'ann')
  t.same(stopped.map((x) => x.id), ['t1'], 'the running task is returned so its node can be told')
  t.equal(j.status, 'cancelled')
  t.same(j.tasks.map((x) => x.status), ['cancelled', 'cancelled', 'cancelled'])
  t.throws(() => sm.act(j, 'cancel'), { statusCode: 409, message: /cancelled already/ })
  t.throws(() => sm.act(j, 'pause'), { statusCode: 409, message: /only a queued or active job can be paused/ })
  sm.act(j, 'requeue', 'ann')
  t.equal(j.status, 'queued')
  t.same(j.tasks.map((x) => x.status), ['queued', 'queued', 'queued'])
  t.notOk(j.finished, 'no longer finished')
})

t.test('a completed job refuses every action', async (t) => {
  const sm = new JobStateMachine(now)
  const j = job(1)
  sm.moveTask(j, j.tasks[0]!, 'active')
  sm.moveTask(j, j.tasks[0]!, 'completed')
  sm.settle(j)
  t.equal(j.status, 'completed')
  for (const a of ['pause', 'resume', 'cancel', 'requeue'] as const) t.throws(() => sm.act(j, a), { statusCode: 409, code: 'RFAM_BAD_STATE' }, a)
})

t.test('a paused job finishes when its last running task completes', async (t) => {
  const sm = new JobStateMachine(now)
  const j = job(1)
  sm.moveTask(j, j.tasks[0]!, 'active')
  sm.settle(j)
  sm.act(j, 'pause')
  sm.moveTask(j, j.tasks[0]!, 'completed')
  sm.settle(j)
  t.equal(j.status, 'completed')
})
