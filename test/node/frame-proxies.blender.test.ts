// Proxies for the frames viewer (real Blender, a real node and server): a node rendering OpenEXR
// writes a JPEG of each frame, through the file's view transform and at most 960 px wide, into
// .proxies/ beside the frames, and the server sends it as the frame; the frames of a movie are
// made by the server from the movie itself.
import t from 'tap'
import sharp from 'sharp'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobFrames, JobView } from '../../schemas/generated/types.ts'
import { farmWithScenes } from './harness.ts'
import { logIn } from '../helpers/login.ts'

t.test('an OpenEXR job: a proxy of each frame beside the frames, served as the frame', async (t) => {
  const { s, project, api, node, finished } = await farmWithScenes(t, ['exr.blend', 'exr-wide.blend', 'movie.blend'])
  await node('pc-a', [1])
  const { cookie } = await logIn(s, 'alex')
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/exr-wide.blend', frameStart: 1, frameEnd: 3 })).body
  t.equal((await finished(job.id)).status, 'completed')
  const dir = join(project, 'renders', 'shots', 'exr-wide')
  t.same(readdirSync(dir).filter((f) => !f.startsWith('.')).sort(), ['0001.exr', '0002.exr', '0003.exr'], 'the frames stay OpenEXR')
  t.same(readdirSync(join(dir, '.proxies')).sort(), ['0001.jpg', '0002.jpg', '0003.jpg'], 'one proxy a frame, nothing half-written')
  const proxy = readFileSync(join(dir, '.proxies', '0002.jpg'))
  t.match(await sharp(proxy).metadata(), { format: 'jpeg', width: 960, height: 54 }, '960 px wide, the frame\'s shape')

  const list = (await api<JobFrames>('GET', `/api/projects/demo/jobs/${job.id}/frames`)).body
  t.match(list, { fps: 24, width: 1280, height: 72, frameStart: 1, frameEnd: 3 })
  t.same(list.frames.map((f) => f.state), ['done', 'done', 'done'])
  const served = await fetch(`${s.url}${list.frames[1]!.url}`, { headers: { cookie } })
  t.equal(served.status, 200)
  t.equal(served.headers.get('content-type'), 'image/jpeg')
  t.same(Buffer.from(await served.arrayBuffer()), proxy, "the node's proxy, as it is")

  // The small EXR scene: its proxy at its own size.
  const small = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/exr.blend', frameStart: 1, frameEnd: 1 })).body
  t.equal((await finished(small.id)).status, 'completed')
  const smallProxy = readFileSync(join(project, 'renders', 'shots', 'exr', '.proxies', '0001.jpg'))
  t.match(await sharp(smallProxy).metadata(), { width: 64, height: 36 })
  // Through the view transform: the lit cube shows (a linear EXR read as is would be much darker).
  const { channels } = await sharp(smallProxy).stats()
  t.ok(channels.some((c) => c.max > 60), `something lit (${channels.map((c) => c.max).join(', ')})`)

  // A movie: each frame made by the server from the movie, once.
  const movie = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/movie.blend', frameStart: 1, frameEnd: 12, video: true })).body
  t.equal((await finished(movie.id)).status, 'completed')
  const frames = (await api<JobFrames>('GET', `/api/projects/demo/jobs/${movie.id}/frames`)).body
  t.equal(frames.video, true)
  t.equal(frames.frames.length, 12)
  t.ok(frames.frames.every((f) => f.state === 'done' && f.url), 'every frame has a picture')
  const tenth = await fetch(`${s.url}${frames.frames[9]!.url}`, { headers: { cookie } })
  t.equal(tenth.status, 200)
  t.match(await sharp(Buffer.from(await tenth.arrayBuffer())).metadata(), { format: 'jpeg', width: 64, height: 36 })
  t.same(readdirSync(join(project, 'renders', 'shots', 'movie', '.proxies')), ['0001-0012-10.jpg'], 'kept beside the movie')
})
