// Nodes without the share, on the real server over HTTP: the scheduler gives such a node a job of a
// share it does not list (a node with other shares gets none); it may fetch the closure and files
// of its own jobs only; a file is sent from any byte on (Range, to resume); a frame it sends lands
// in the project's output folder only when it is a frame of its task and arrives with its hash.
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmClosure, FarmTask, JobView } from '../../schemas/generated/types.ts'
import { farmClient } from '../../common/farm-client.ts'
import { ServerClient, ServerError } from '../../common/farm-call.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

// Bytes after the block that ends a .blend are never read: a file of some size to send in parts.
const BLEND = Buffer.concat([Buffer.from(TINY_BLEND, 'latin1'), randomBytes(300_000)])
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')

t.test('closure, files and frames of a node without the share', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const project = s.projectDir()
  mkdirSync(join(project, 'shots'), { recursive: true })
  writeFileSync(join(project, 'shots', 'x.blend'), BLEND)
  writeFileSync(join(project, 'shots', 'y.blend'), BLEND)
  const { api } = await logIn(s.url, 'alex')
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/x.blend', frameStart: 1, frameEnd: 1 })).body
  const credential = await s.app.farm.credentials.create('test')
  const client = farmClient(new ServerClient(s.url, credential))
  const hello = (name: string, extra: object) => client.farmHello({ name, version: '0.1.0', provides: [], processes: 1, sandbox: { kind: 'bubblewrap' }, ...extra } as never)
  const work = async (name: string, session: string) => (await client.farmWork({ node: name, session, free: 1, running: [], wait: false })).runs

  const elsewhere = await hello('other-share', { shares: ['elsewhere'] })
  t.same(await work('other-share', elsewhere.session), [], 'a node with another share gets no job of this one')
  const far = await hello('far', { shares: [], noShare: true })
  const runs: FarmTask[] = await work('far', far.session)
  t.equal(runs.length, 1, 'a node without the share gets the job')
  t.equal(runs[0]!.job, job.id)

  const closure: FarmClosure = await client.farmClosure({ node: 'far', session: far.session, job: job.id })
  t.match(closure, { job: job.id, file: 'shots/x.blend', files: [{ path: 'shots/x.blend', size: BLEND.length, sha256: sha(BLEND) }], missing: [], outside: [] })
  const other = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/y.blend', frameStart: 1, frameEnd: 1, paused: true })).body
  await t.rejects(client.farmClosure({ node: 'far', session: far.session, job: other.id }), { status: 409, code: 'RFAM_NOT_YOUR_TASK' }, 'only the closure of its own job')
  await t.rejects(client.farmClosure({ node: 'far', session: '0'.repeat(64), job: job.id }), ServerError, 'not without its session')

  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${credential}`, 'x-rfam-node': 'far', 'x-rfam-session': far.session, ...extra })
  const blob = (hash: string, extra?: Record<string, string>) => fetch(`${s.url}/api/farm/blobs/${hash}`, { headers: headers(extra) })
  const whole = await blob(sha(BLEND))
  t.equal(whole.status, 200)
  t.same(Buffer.from(await whole.arrayBuffer()), BLEND, 'the file, whole')
  const rest = await blob(sha(BLEND), { range: 'bytes=100-' })
  t.equal(rest.status, 206)
  t.equal(rest.headers.get('content-range'), `bytes 100-${BLEND.length - 1}/${BLEND.length}`)
  t.same(Buffer.from(await rest.arrayBuffer()), BLEND.subarray(100), 'the rest of it, to resume')
  t.equal((await blob(sha(BLEND), { range: `bytes=${BLEND.length}-` })).status, 416)
  const store = join(s.config.farmDir, 'files')
  t.ok(readdirSync(store).length > 0, 'the file is in the server\'s store')
  const elsewhereBlob = await fetch(`${s.url}/api/farm/blobs/${sha(BLEND)}`, { headers: { ...headers(), 'x-rfam-node': 'other-share', 'x-rfam-session': elsewhere.session } })
  t.equal(elsewhereBlob.status, 404, 'a node holding no task of the job gets none of its files')
  t.equal((await blob(sha('anything else'))).status, 404)

  const put = (name: string, body: string, hash = sha(body)) => fetch(`${s.url}/api/farm/frames/${job.id}/${name}`, { method: 'PUT', headers: headers({ 'content-type': 'application/octet-stream', 'x-rfam-sha256': hash }), body })
  const out = join(project, 'renders', 'shots', 'x')
  const damaged = await put('0001.png', 'PNG bytes', sha('other bytes'))
  t.equal(damaged.status, 400)
  t.match(await damaged.json(), { code: 'RFAM_BAD_UPLOAD', message: /arrived damaged.*send it again/ })
  t.notOk(existsSync(join(out, '0001.png')), 'nothing is written from a damaged transfer')
  t.equal((await put('0002.png', 'PNG')).status, 409, 'not a frame of its task')
  t.equal((await put('..%2F..%2Fshots%2Fx.blend', 'PNG')).status, 409, 'no path out of the output folder')
  t.equal((await put('.0001.png.tmp', 'PNG')).status, 409, 'no hidden file but the preview')
  const otherPreview = await fetch(`${s.url}/api/farm/frames/${job.id}/.rfam-preview.jpg`, { method: 'PUT', headers: { ...headers({ 'content-type': 'application/octet-stream', 'x-rfam-sha256': sha('JPG') }), 'x-rfam-node': 'other-share', 'x-rfam-session': elsewhere.session }, body: 'JPG' })
  t.equal(otherPreview.status, 409, 'no preview from a node holding no task of the job')
  t.equal((await put('0001.png', 'PNG bytes')).status, 204)
  t.equal(readFileSync(join(out, '0001.png'), 'utf8'), 'PNG bytes', 'the frame is in the project, where a node with the share writes it')
  t.equal((await put('.rfam-preview.jpg', 'JPG')).status, 204, 'the picture a node made for the preview, as a node with the share leaves it')
  t.same(readdirSync(out).sort(), ['.rfam-preview.jpg', '0001.png'], 'no temp file left')

  const reply = await client.farmDone({ node: 'far', session: far.session, job: job.id, tasks: runs[0]!.tasks, frames: [{ frame: 1, seconds: 1, file: '0001.png' }], seconds: 1, free: 0 })
  t.equal(reply.cancel, false)
  t.equal((await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.status, 'completed', 'the usual report counts the frame sent')
})
