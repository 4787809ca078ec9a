// Real nodes with real Blender (issue 11, item 5): frames count only when their files are on the
// server's share, so a node whose share is another folder renders for nothing and the job says why;
// and while a real node renders, a node of another credential can neither take its name nor forge
// its results.
import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'

async function server (t: Parameters<typeof startTestServer>[0], farmSettings: Record<string, unknown>) {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, ...farmSettings } } })
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const finished = (id: string) => until(`job ${id} finished`, async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, { timeoutMs: 180_000 })
  return { s, credential, api, finished }
}

t.test('a node writing its frames somewhere the server cannot see them: they do not count, and the job says why', async (t) => {
  const { s, credential, api, finished } = await server(t, { blocklistAfter: 1, maxRetries: 0 })
  copyScene('tiny.blend', join(s.projectDir(), 'shots'))
  // The node's "data" share is another folder holding a copy of the project (a wrong mount).
  const elsewhere = testFolder(t, 'elsewhere')
  copyScene('tiny.blend', join(elsewhere, 'demo', 'shots'))
  const node = startNode(t, { server: s.url, credential, name: 'pc-a', shareRoot: elsewhere })
  await node.waitForLog({ msg: 'connected to the server' })
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 2 })).body
  const failed = await finished(job.id)
  t.equal(failed.status, 'failed', 'the job does not complete')
  t.equal(failed.counts.done, 0, 'no frame counted')
  t.match(failed.lastFailure!.message, /not on the share: renders\/shots\/tiny\/0001\.png does not exist/)
  t.notOk(existsSync(join(s.projectDir(), 'renders', 'shots', 'tiny')), 'indeed nothing reached the server\'s share')
  t.ok(readdirSync(join(elsewhere, 'demo', 'renders', 'shots', 'tiny')).includes('0001.png'), 'while the node did render')
})

t.test('while a real node renders, another credential can neither take its name nor forge its results', async (t) => {
  const { s, credential, api, finished } = await server(t, {})
  copyScene('slow.blend', join(s.projectDir(), 'shots'))
  const node = startNode(t, { server: s.url, credential, name: 'pc-a', shareRoot: s.config.shares.root('data'), processes: [0] })
  await node.waitForLog({ msg: 'connected to the server' })
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 4 })).body
  await until('pc-a rendering', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.active > 0, { timeoutMs: 60_000 })

  const other = await s.app.farm.credentials.create('other')
  const post = (url: string, body: object) => fetch(`${s.url}/api/farm/${url}`, { method: 'POST', headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const helloBody = { version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } }
  const stolen = await post('hello', { name: 'pc-a', ...helloBody })
  t.equal(stolen.status, 403, 'its name is not for the taking')
  t.match(await stolen.json(), { code: 'RFAM_NODE_NAME_BOUND' })
  const { session } = await (await post('hello', { name: 'evil', ...helloBody })).json() as { session: string }
  // A second job waits: pc-a's one process is busy. Nobody was given its tasks.
  const waiting = (await api<JobView>('GET', `/api/projects/demo/jobs/${(await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 2, output: 'renders/slow-b/####' })).body.id}`)).body
  t.equal(waiting.counts.queued, 2, 'the second job waits for a node')
  for (const target of [waiting, (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body]) {
    const tasks = target.tasks!.map((x) => x.id)
    const frames = target.tasks!.flatMap((x) => x.frames).map((frame) => ({ frame, seconds: 0.1, file: `000${frame}.png` }))
    const forged = await post('done', { node: 'evil', session, job: target.id, tasks, frames, seconds: 1 })
    t.equal(forged.status, 409, `done for tasks it was never given (${target.counts.queued} queued, ${target.counts.active} being rendered)`)
    const forgedFail = await post('failed', { node: 'evil', session, job: target.id, tasks: [tasks.at(-1)!], frames: [], exitCode: 1, message: 'forged', logTail: '' })
    t.equal(forgedFail.status, 409, 'failed for a task it was never given')
  }
  const second = await finished(waiting.id)
  t.equal(second.status, 'completed', 'the second job, rendered by pc-a when it was free')
  t.ok(second.tasks!.flatMap((x) => x.samples ?? []).every((x) => x.node === 'pc-a'))
  const done = await finished(job.id)
  t.equal(done.status, 'completed')
  t.equal(done.errors, 0, 'no forged failure')
  t.same(readdirSync(join(s.projectDir(), 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png'], 'every frame on disk')
  const samples = done.tasks!.flatMap((x) => x.samples ?? [])
  t.same(samples.map((x) => x.frame).sort(), [1, 2, 3, 4], 'one sample per frame')
  t.ok(samples.every((x) => x.node === 'pc-a'), 'all rendered by pc-a')
  t.equal(node.logs.filter((e) => e.msg === 'connected to the server').length, 1, 'pc-a kept its session throughout')
  t.same(node.logs.filter((e) => /refuse/.test(e.msg)), [], 'and nothing it sent was refused')
})
