// The frames viewer's routes against a real server and real files: a job's frame list (done,
// rendering, waiting, missing once deleted), PNG frames sent as they are, an EXR frame sent as the
// proxy the node made, or as one the server makes with ffmpeg, and the bad input: a frame that is
// not a picture, a job of another project, odd spellings of the path, negative and huge frames.
import t from 'tap'
import sharp from 'sharp'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addOtherTeam, startTestServer, type TestServer } from '../helpers/server.ts'
import { logIn, type Session } from '../helpers/login.ts'
import { fakeNode } from '../web/fake-node.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const png = (frame: number) => sharp({ create: { width: 64, height: 36, channels: 3, background: { r: frame * 20, g: 80, b: 40 } } }).png().toBuffer()

/** A real OpenEXR file (64 × 36, half float), made by ffmpeg. */
function exr (path: string): void {
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x36', '-frames:v', '1', '-c:v', 'exr', '-pix_fmt', 'gbrpf32le', '-y', '-f', 'image2', path])
  if (made.status !== 0) throw new Error(`ffmpeg could not make an EXR: ${made.stderr.toString()}`)
}

async function jobOf (s: TestServer, who: Session, project: string, file: string, frames: number, name: string) {
  const job = await who.api('POST', `/api/projects/${project}/jobs`, { file, frameStart: 1, frameEnd: frames, name, chunkSize: 1 })
  if (job.status !== 201) throw new Error(JSON.stringify(job.body))
  return job.body as { id: string }
}

t.test('a job of PNG frames: the list says where each stands, the pictures are sent as they are', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const alex = await logIn(s, 'alex')
  const job = await jobOf(s, alex, 'demo', 'shots/shot_010_intro.blend', 5, 'Intro')
  const node = await fakeNode(s, 'pc1')
  const pictures = new Map<number, Buffer>()
  for (const f of [1, 2, 3]) pictures.set(f, await png(f))
  const run = await node.work()
  t.same(run.frames, [1, 2, 3, 4, 5], 'the node takes them all')
  await node.write(run, [1, 2], 'shots/shot_010_intro', (f) => pictures.get(f)!)

  const base = `/api/projects/demo/jobs/${job.id}/frames`
  const list = await alex.api('GET', base)
  t.equal(list.status, 200)
  t.match(list.body, { id: job.id, name: 'Intro', fps: 24, frameStart: 1, frameEnd: 5, frameStep: 1, video: false })
  t.same(list.body.frames.map((f: { state: string }) => f.state), ['done', 'done', 'rendering', 'waiting', 'waiting'])
  t.match(list.body.frames[0].url, new RegExp(`^${base}/1\\?v=[a-z0-9]+-[a-z0-9]+$`))
  t.equal(list.body.frames[2].url, null, 'no picture of a frame still rendering')

  const url = list.body.frames[0].url as string
  const one = await s.app.inject({ url, headers: { cookie: alex.cookie } })
  t.equal(one.statusCode, 200)
  t.equal(one.headers['content-type'], 'image/png')
  t.same(one.rawPayload, pictures.get(1), 'the file as it is')
  t.equal(one.headers['cache-control'], 'private, max-age=31536000, immutable', 'kept for good under its version')
  const unversioned = await s.app.inject({ url: `${base}/1`, headers: { cookie: alex.cookie } })
  t.equal(unversioned.headers['cache-control'], 'private, no-cache')
  t.equal((await s.app.inject({ url, headers: { cookie: alex.cookie, 'if-none-match': one.headers.etag as string } })).statusCode, 304)

  // Still rendering, never rendered: 404 with a sentence that says which.
  const rendering = await alex.api('GET', `${base}/3`)
  t.equal(rendering.status, 404)
  t.match(rendering.body.message, /Frame 3 of "Intro" is still rendering/)
  t.match((await alex.api('GET', `${base}/5`)).body.message, /has not been rendered yet/)

  // Deleted since: 'missing' in the list, 404 saying so.
  rmSync(join(s.projectDir(), 'renders/shots/shot_010_intro/0002.png'))
  const after = await alex.api('GET', base)
  t.same(after.body.frames.map((f: { state: string }) => f.state), ['done', 'missing', 'rendering', 'waiting', 'waiting'])
  t.equal(after.body.frames[1].url, null)
  const gone = await alex.api('GET', `${base}/2`)
  t.equal(gone.status, 404)
  t.match(gone.body, { code: 'RFAM_NO_FRAME', message: /its file is not on the disk any more/ })

  // A frame rendered again gets a new version, so a new URL.
  await node.write(run, [3], 'shots/shot_010_intro', (f) => pictures.get(f)!)
  writeFileSync(join(s.projectDir(), 'renders/shots/shot_010_intro/0001.png'), await png(9))
  utimesSync(join(s.projectDir(), 'renders/shots/shot_010_intro/0001.png'), new Date(), new Date(Date.now() + 5000))
  const again = await alex.api('GET', base)
  t.not(again.body.frames[0].url, url, 'a new version')
  t.equal(again.body.frames[2].state, 'done')
})

t.test('bad input: not a picture, odd paths, frames out of range, other projects', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const alex = await logIn(s, 'alex')
  const job = await jobOf(s, alex, 'demo', 'shots/shot_010_intro.blend', 3, 'Intro')
  const node = await fakeNode(s, 'pc1')
  const run = await node.work()
  await node.write(run, run.frames, 'shots/shot_010_intro') // 'PNG': three bytes, no picture
  const base = `/api/projects/demo/jobs/${job.id}/frames`
  const notPicture = await alex.api('GET', `${base}/1`)
  t.equal(notPicture.status, 422)
  t.match(notPicture.body, { code: 'RFAM_NOT_A_PICTURE', message: /Frame 1 of "Intro" cannot be shown: its file "0001.png" is not a picture/ })

  for (const frame of ['-1', '0', '4', '999999999', '-999999999']) {
    const res = await alex.api('GET', `${base}/${frame}`)
    t.equal(res.status, 404, `frame ${frame}`)
    t.match(res.body.message, /is not one of the frames of "Intro" \(1 to 3\)/)
  }
  for (const frame of ['1e3', '1.5', 'abc', '%2e%2e', '..', '9999999999999', '%2e%2e%2f%2e%2e%2fsecret', ' 1']) {
    const res = await s.app.inject({ url: `${base}/${frame}`, headers: { cookie: alex.cookie } })
    t.ok(res.statusCode === 400 || res.statusCode === 404, `"${frame}": ${res.statusCode}`)
    t.notOk(res.headers['content-type']?.toString().startsWith('image/'), `"${frame}" is no picture`)
  }
  t.match((await alex.api('GET', `${base}/abc`)).body, { code: 'RFAM_BAD_FRAME', message: /"abc" is not a frame number/ })
  for (const path of ['/api/projects/demo/jobs/%2e%2e/frames', `/api/projects/demo/jobs/${job.id}/%2e%2e/frames/1`, '/api/projects/demo/jobs/..%2f..%2fusers/frames/1', `/api/projects/%2e%2e/jobs/${job.id}/frames`]) {
    const res = await s.app.inject({ url: path, headers: { cookie: alex.cookie } })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${path}: ${res.statusCode}`)
  }

  // A job of another project is no job of this one; and that project's people only see their own.
  await addOtherTeam(s)
  const other = join(s.projectDir(), '..', 'other')
  mkdirSync(other, { recursive: true })
  writeFileSync(join(other, 'olga.blend'), TINY_BLEND)
  const olga = await logIn(s, 'olga', { project: 'other' })
  const theirs = await jobOf(s, olga, 'other', 'olga.blend', 2, 'Olga')
  t.equal((await alex.api('GET', `/api/projects/demo/jobs/${theirs.id}/frames`)).status, 404)
  t.equal((await alex.api('GET', `/api/projects/demo/jobs/${theirs.id}/frames/1`)).status, 404)
  t.equal((await olga.api('GET', `/api/projects/demo/jobs/${job.id}/frames`)).status, 403, 'not a member of demo')
  t.equal((await olga.api('GET', `/api/projects/other/jobs/${job.id}/frames/1`)).status, 404)
  t.equal((await s.app.inject({ url: `${base}/1` })).statusCode, 401, 'only for people logged in')
})

t.test('EXR frames: the proxy the node made, else one made once with ffmpeg', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const alex = await logIn(s, 'alex')
  const job = await jobOf(s, alex, 'demo', 'shots/shot_010_intro.blend', 2, 'Intro')
  const node = await fakeNode(s, 'pc1')
  const dir = join(s.projectDir(), 'renders/shots/shot_010_intro')
  mkdirSync(join(dir, '.proxies'), { recursive: true })
  exr(join(s.projectDir(), 'frame.exr'))
  const exrBytes = readFileSync(join(s.projectDir(), 'frame.exr'))
  const run = await node.work()
  await node.write(run, run.frames, 'shots/shot_010_intro', () => exrBytes, 'exr')
  // The node's proxy of frame 1, written after the frame.
  const proxy = await sharp({ create: { width: 32, height: 18, channels: 3, background: '#ff0000' } }).jpeg().toBuffer()
  writeFileSync(join(dir, '.proxies/0001.jpg'), proxy)

  const base = `/api/projects/demo/jobs/${job.id}/frames`
  const list = await alex.api('GET', base)
  t.same(list.body.frames.map((f: { state: string }) => f.state), ['done', 'done'])
  t.notOk(list.body.frames.some((f: { url: string }) => f.url.includes('.proxies')), 'the proxies folder is no frame')
  const one = await s.app.inject({ url: list.body.frames[0].url, headers: { cookie: alex.cookie } })
  t.equal(one.statusCode, 200)
  t.equal(one.headers['content-type'], 'image/jpeg')
  t.same(one.rawPayload, proxy, "the node's proxy")

  t.notOk(existsSync(join(dir, '.proxies/0002.jpg')))
  const two = await s.app.inject({ url: list.body.frames[1].url, headers: { cookie: alex.cookie } })
  t.equal(two.statusCode, 200, two.body.slice(0, 300))
  t.equal(two.headers['content-type'], 'image/jpeg')
  const meta = await sharp(two.rawPayload).metadata()
  t.match(meta, { format: 'jpeg', width: 64, height: 36 }, 'made by the server (never wider than the frame)')
  t.ok(existsSync(join(dir, '.proxies/0002.jpg')), 'and kept beside the frames')
  t.not(one.headers.etag, list.body.frames[0].url, 'an ETag')

  // A proxy older than its frame (rendered again since) is made again.
  const old = new Date(Date.now() - 60_000)
  utimesSync(join(dir, '.proxies/0001.jpg'), old, old)
  const remade = await s.app.inject({ url: `${base}/1`, headers: { cookie: alex.cookie } })
  t.not(remade.rawPayload.length, proxy.length, 'not the old proxy')
  t.match(await sharp(remade.rawPayload).metadata(), { width: 64 })

  // An EXR that is no EXR: no picture can be made.
  writeFileSync(join(dir, '0002.exr'), 'not an exr at all')
  rmSync(join(dir, '.proxies/0002.jpg'))
  const broken = await alex.api('GET', `${base}/2`)
  t.equal(broken.status, 422)
  t.match(broken.body.message, /is not a picture/)
  t.notOk(existsSync(join(dir, '.proxies/0002.jpg')), 'nothing half-made left')
})
