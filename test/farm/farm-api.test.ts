// The farm over HTTP on the real server: job routes for members, the node protocol behind a farm
// credential, clear 4xx answers for everything refused.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

t.test('jobs over HTTP', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  mkdirSync(join(s.projectDir(), 'shots'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'shots', 'x.blend'), TINY_BLEND)
  const post = (payload: unknown, headers: Record<string, string> = { cookie }) => s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers, payload: payload as object })

  const anon = await post({ file: 'shots/x.blend', frameStart: 1, frameEnd: 2 }, {})
  t.equal(anon.statusCode, 401, 'no session, no job')
  const outside = await post({ file: '../../etc/passwd.blend', frameStart: 1, frameEnd: 2 })
  t.equal(outside.statusCode, 400)
  t.match(outside.json(), { code: 'RFAM_PATH_OUTSIDE', message: /leaves its folder/ })
  const reversed = await post({ file: 'shots/x.blend', frameStart: 5, frameEnd: 1 })
  t.match(reversed.json(), { statusCode: 400, message: 'The last frame (1) comes before the first frame (5); swap them.' })
  const unknownField = await post({ file: 'shots/x.blend', frameStart: 1, frameEnd: 2, final: true })
  t.match(unknownField.json(), { statusCode: 400, message: /unknown field "final"/ })
  const missing = await post({ file: 'shots/nope.blend', frameStart: 1, frameEnd: 2 })
  t.match(missing.json(), { statusCode: 400, code: 'RFAM_NO_FILE' })

  const created = await post({ file: 'shots/x.blend', frameStart: 1, frameEnd: 4, priority: 5 })
  t.equal(created.statusCode, 201)
  const job = created.json()
  t.match(job, { status: 'queued', path: 'shots/x.blend', file: 'data::demo/shots/x.blend', output: 'data::demo/renders/shots/x/####', createdBy: 'alex', counts: { frames: 4 } })

  const list = await s.app.inject({ url: '/api/projects/demo/jobs', headers: { cookie } })
  t.same(list.json().jobs.map((j: { id: string }) => j.id), [job.id])
  const one = await s.app.inject({ url: `/api/projects/demo/jobs/${job.id}`, headers: { cookie } })
  t.equal(one.json().tasks.length, 4, 'one job comes with its tasks')
  const badId = await s.app.inject({ url: '/api/projects/demo/jobs/nope', headers: { cookie } })
  t.equal(badId.statusCode, 400)

  const patch = (payload: object) => s.app.inject({ method: 'PATCH', url: `/api/projects/demo/jobs/${job.id}`, headers: { cookie }, payload })
  t.match((await patch({ action: 'pause' })).json(), { status: 'paused', message: /Paused by Alex Rivera/, sentence: { key: 'job:msg-paused-by', params: { who: 'Alex Rivera' } } })
  const again = await patch({ action: 'pause' })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { code: 'RFAM_BAD_STATE', message: /paused already/ })
  t.equal((await patch({ status: 'completed' })).statusCode, 400, 'statuses are not set directly')
  t.equal((await patch({ priority: 9, action: 'resume' })).json().priority, 9)
  const preview = await s.app.inject({ url: `/api/projects/demo/jobs/${job.id}/preview`, headers: { cookie } })
  t.match(preview.json(), { statusCode: 404, code: 'RFAM_NO_PREVIEW' })
  t.equal((await s.app.inject({ method: 'DELETE', url: `/api/projects/demo/jobs/${job.id}`, headers: { cookie } })).statusCode, 204)
  t.same((await s.app.inject({ url: '/api/projects/demo/jobs', headers: { cookie } })).json().jobs, [])
})

t.test('a file named .blend that is no .blend is refused when it is sent, before any Blender runs', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  mkdirSync(join(s.projectDir(), 'shots'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'shots', 'x.blend'), Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex'))
  writeFileSync(join(s.projectDir(), 'shots', 'cut.blend'), 'BLENDER-v304DATA')
  const post = (payload: object) => s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload })
  const random = await post({ file: 'shots/x.blend', frameStart: 1, frameEnd: 2 })
  t.equal(random.statusCode, 400)
  t.match(random.json(), { code: 'RFAM_NOT_BLEND', message: /^"shots\/x\.blend" is not a \.blend file: it starts with the bytes a1 b2 c3 d4 .* save it as shots\/x\.blend \(File > Save As\), then try again\.$/ })
  t.notMatch(random.json().message, s.projectDir(), 'the server\'s folders stay out of it')
  const cut = await post({ file: 'shots/cut.blend', frameStart: 1, frameEnd: 2 })
  t.match(cut.json(), { statusCode: 400, code: 'RFAM_NOT_BLEND', message: /"shots\/cut\.blend" is cut short/ })
  t.same((await s.app.inject({ url: '/api/projects/demo/jobs', headers: { cookie } })).json().jobs, [], 'no job was made')
  t.same(s.app.farm.listJobs('demo'), [])
})

t.test('the node protocol over HTTP', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  writeFileSync(join(s.projectDir(), 'y.blend'), TINY_BLEND)
  const credential = await s.app.farm.credentials.create('test')
  const other = await s.app.farm.credentials.create('other')
  const node = (url: string, payload: unknown, secret: string | null = credential) => s.app.inject({
    method: 'POST', url: `/api/farm/${url}`, payload: payload as object, headers: secret ? { authorization: `Bearer ${secret}` } : {},
  })
  const helloBody = { name: 'pc-a', version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } }

  const anonymous = await node('hello', helloBody, null)
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.json(), { code: 'RFAM_FARM_CREDENTIAL', message: /Authorization: Bearer/ })
  const unknown = await node('hello', { garbage: true }, 'rfam_not-a-credential')
  t.equal(unknown.statusCode, 401, 'an unknown credential is refused before the body is even looked at')
  const malformed = await node('hello', { name: '../etc', version: 1 })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json().message, /body\/name must match pattern/)
  const notJson = await s.app.inject({ method: 'POST', url: '/api/farm/work', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, payload: '{"node":' })
  t.equal(notJson.statusCode, 400)
  t.match(notJson.json().message, /not valid JSON/)

  const welcome = (await node('hello', helloBody)).json()
  t.match(welcome, { node: 'pc-a', heartbeatSeconds: 10, longPollSeconds: 20, cancel: [] })
  t.match(welcome.session, /^[0-9a-f]{64}$/)
  const b = (await node('hello', { ...helloBody, name: 'pc-b' })).json()

  const job = (await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload: { file: 'y.blend', frameStart: 1, frameEnd: 2 } })).json()
  const work = (await node('work', { node: 'pc-a', session: welcome.session, free: 1, running: [], wait: false })).json()
  t.same(work.runs.map((r: { frames: number[] }) => r.frames), [[1]])
  const run = work.runs[0]

  const wrongCredential = await node('report', { node: 'pc-a', session: welcome.session, job: job.id, tasks: run.tasks, frames: [] }, other)
  t.equal(wrongCredential.statusCode, 403, 'a session belongs to the credential that opened it')
  const forged = await node('report', { node: 'pc-b', session: b.session, job: job.id, tasks: run.tasks, frames: [{ frame: 1, seconds: 1 }] })
  t.equal(forged.statusCode, 409)
  t.match(forged.json(), { code: 'RFAM_NOT_YOUR_TASK', message: /rendered by node "pc-a", not by "pc-b"/ })
  const impostor = await node('report', { node: 'pc-a', session: b.session, job: job.id, tasks: run.tasks, frames: [] })
  t.equal(impostor.statusCode, 401, 'naming another node without its session is refused')
  const badFrame = await node('done', { node: 'pc-a', session: welcome.session, job: job.id, tasks: run.tasks, frames: [{ frame: 'one', seconds: 1 }], seconds: 1 })
  t.equal(badFrame.statusCode, 400)

  mkdirSync(join(s.projectDir(), 'renders', 'y'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'renders', 'y', '0001.png'), 'PNG')
  const done = await node('done', { node: 'pc-a', session: welcome.session, job: job.id, tasks: run.tasks, frames: [{ frame: 1, seconds: 1.5, memoryMB: 20, file: '0001.png' }], seconds: 2 })
  t.same(done.json(), { cancel: false })
  const view = (await s.app.inject({ url: `/api/projects/demo/jobs/${job.id}`, headers: { cookie } })).json()
  t.match(view, { counts: { done: 1 }, meanFrameSeconds: 1.5 })

  const nodes = await s.app.inject({ url: '/api/farm/nodes', headers: { cookie } })
  t.same(nodes.json().nodes.map((n: { name: string }) => n.name), ['pc-a', 'pc-b'])
  t.equal((await s.app.inject({ url: '/api/farm/nodes' })).statusCode, 401, 'the nodes table needs a log-in')
  // Pausing nodes stops the farm for everybody: staff only.
  const byStudent = await s.app.inject({ method: 'PATCH', url: '/api/farm/nodes/pc-a', headers: { cookie }, payload: { paused: true } })
  t.equal(byStudent.statusCode, 403, 'a student cannot pause a node')
  t.match(byStudent.json(), { code: 'RFAM_STAFF_ONLY', message: 'Only staff can pause or resume render nodes. Ask your teacher.' })
  const allByStudent = await s.app.inject({ method: 'POST', url: '/api/farm/nodes/pause-all', headers: { cookie }, payload: { paused: true } })
  t.equal(allByStudent.statusCode, 403, 'a student cannot pause every node')
  t.match(allByStudent.json(), { code: 'RFAM_STAFF_ONLY', message: 'Only staff can pause or resume render nodes. Ask your teacher.' })
  t.notOk(s.app.farm.registry.nodes.get('pc-a')!.record.paused, 'refused means nothing was paused')
  const anonymousPause = await s.app.inject({ method: 'POST', url: '/api/farm/nodes/pause-all', payload: { paused: true } })
  t.equal(anonymousPause.statusCode, 401, 'no session, no pausing')

  const staff = (await logIn(s, 'teacher', { secret: '1234' })).cookie
  const paused = await s.app.inject({ method: 'PATCH', url: '/api/farm/nodes/pc-a', headers: { cookie: staff }, payload: { paused: true } })
  t.equal(paused.json().nodes[0].paused, true)
  const all = await s.app.inject({ method: 'POST', url: '/api/farm/nodes/pause-all', headers: { cookie: staff }, payload: { paused: true } })
  t.ok(all.json().nodes.every((n: { paused: boolean }) => n.paused))
  const unknownNode = await s.app.inject({ method: 'PATCH', url: '/api/farm/nodes/nope', headers: { cookie: staff }, payload: { paused: true } })
  t.equal(unknownNode.statusCode, 404)
  const resumeByStudent = await s.app.inject({ method: 'POST', url: '/api/farm/nodes/pause-all', headers: { cookie }, payload: { paused: false } })
  t.equal(resumeByStudent.statusCode, 403, 'nor resume them')
})
