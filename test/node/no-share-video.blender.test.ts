// A video job on a render node without the share: a real node started with no share, its cache in
// a folder tree of its own, renders a real movie (FFMPEG, H.264) of a few frames in its job folder
// and sends it back once Blender is done. The movie lands in the project under the name a node with
// the share gives it, is a real video of the job's frames, and nothing else stays behind (no temp
// in the project, no movie in the node's job folder). A server whose disk is full cannot take the
// movie: the job fails with a sentence saying so and nothing half-written stays; freed and
// requeued, the same job renders.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'
import { farmWithScenes } from './harness.ts'
import { noBlender } from '../blend/blender-fixtures.ts'

const FRAMES = { frameStart: 1, frameEnd: 4 }
const VIDEO = { file: 'shots/movie.blend', ...FRAMES, video: true }

/** Every file under `dir` (dot files too), relative to it. */
function files (dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => !d.isDirectory()).map((d) => relative(dir, join(d.parentPath, d.name))).sort()
}

/** What ffprobe finds in a movie: its first video stream's codec, size and frames counted by decoding. */
function probe (file: string): { codec: string, width: number, height: number, frames: number } {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file], { encoding: 'utf8' })) as { streams: Array<{ codec_name: string, width: number, height: number, nb_read_frames: string }> }
  const s = out.streams[0]!
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames) }
}

t.test('a node without the share renders a video job; the movie lands where a node with the share puts it', { skip: noBlender }, async (t) => {
  const { s, project, api, node, finished } = await farmWithScenes(t, ['movie.blend'])
  const movies = join(project, 'renders', 'shots', 'movie')

  // First a node with the share, for the name and the kind of movie a user gets from one.
  const school = await node('at-school', [1])
  const onShare = await finished((await api<JobView>('POST', '/api/projects/demo/jobs', VIDEO)).body.id)
  t.equal(onShare.status, 'completed', onShare.message ?? '')
  t.same(files(movies), ['.rfam-preview.png', '0001-0004.mp4'], 'a node with the share writes one movie of the range (and the picture of its latest frame for the preview)')
  const shareMovie = probe(join(movies, '0001-0004.mp4'))
  rmSync(movies, { recursive: true })
  await school.stop()

  const cacheDir = join(testFolder(t, 'elsewhere'), 'cache')
  const far = await node('far-away', [1], { shares: [], noShare: true, cacheDir })
  const sent = (await api<JobView>('POST', '/api/projects/demo/jobs', VIDEO)).body
  const done = await finished(sent.id)
  t.equal(done.status, 'completed', done.message ?? '')
  t.equal(done.counts.done, 4, 'the job\'s 4 frames count as done')
  t.equal(done.counts.frames, 4)
  t.equal(done.progress, 1)
  t.same(done.nodes, [])
  t.equal(far.logs.filter((e) => e.msg === 'rendering' && e.job === sent.id && e.video === true).length, 1, 'one Blender rendered the whole movie')
  t.same(far.logs.filter((e) => e.msg === 'frame not sent'), [], 'the movie was sent on the first try')

  t.same(files(movies), ['.rfam-preview.png', '0001-0004.mp4'], 'the same movie name (and preview picture) as from the node with the share, and no temp beside them')
  const movie = probe(join(movies, '0001-0004.mp4'))
  t.same(movie, { codec: 'h264', width: 64, height: 36, frames: 4 }, 'a real H.264 video of the job\'s 4 frames')
  t.same(movie, shareMovie, 'as the node with the share made it')

  const preview = await until('a preview', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${sent.id}`)).body.preview ?? undefined, { timeoutMs: 60_000 })
  const pic = await fetch(`${s.url}${preview}`, { headers: { cookie: (await logIn(s, 'alex')).cookie } })
  t.equal(pic.headers.get('content-type'), 'image/jpeg', 'the job shows a preview of its latest frame, as from the node with the share')
  t.same([...Buffer.from(await pic.arrayBuffer()).subarray(0, 3)], [0xff, 0xd8, 0xff])

  const jobFolder = join(cacheDir, 'jobs', sent.id)
  t.same(files(jobFolder).filter((f) => !f.endsWith('movie.blend')), [], 'the node keeps no movie or temp in its job folder once it is sent')
})

t.test('a node without the share cannot send its movie to a server whose disk is full: the job says so, nothing half-written stays', { skip: noBlender }, async (t) => {
  const share = mountSmallDisk(t, '16m')
  if (!share) return t.plan(0, 'needs root to mount a small tmpfs as the share')
  const { project, api, node, finished } = await farmWithScenes(t, ['movie.blend'], {}, { shares: [{ ident: 'data', path: share }] })
  const movies = join(project, 'renders', 'shots', 'movie')
  mkdirSync(movies, { recursive: true })
  const cacheDir = join(testFolder(t, 'elsewhere'), 'cache')
  const far = await node('far-away', [1], { shares: [], noShare: true, cacheDir })

  // Created paused: the node renders in its own folder, so the disk fills before the movie comes back.
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { ...VIDEO, paused: true })).body
  const free = fillDisk(share)
  await api('PATCH', `/api/projects/demo/jobs/${job.id}`, { action: 'resume' })
  const failure = await until('the failed upload reaches the job', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.lastFailure, { timeoutMs: 120_000 })
  t.match(failure.message, /^The video 0001-0004\.mp4 could not be sent to the server: The disk holding the share "data" is full/, 'the job says the movie could not be sent, and why')
  t.equal(failure.sentence?.key, 'noderun:video-upload-failed', 'a sentence of the language files')
  t.ok(far.logs.some((e) => e.msg === 'run failed' && e.job === job.id))
  t.same(files(movies), [], 'no movie and no half-written temp in the project\'s output folder')

  const failed = await finished(job.id)
  t.equal(failed.status, 'failed', failed.message ?? '')
  t.same(files(movies), [], 'still nothing half-written once the job gave up')
  const tries = far.logs.filter((e) => e.msg === 'rendering' && e.job === job.id).length
  t.ok(tries >= 1, `${tries} run(s) rendered the movie and could not send it`)
  t.comment(`${tries} run(s) before the job gave up; the node's job folder then holds: ${files(join(cacheDir, 'jobs', job.id)).join(', ')}`)

  // Freed and requeued, the same node renders it.
  free()
  await api('PATCH', `/api/projects/demo/jobs/${job.id}`, { action: 'requeue' })
  const done = await finished(job.id)
  t.equal(done.status, 'completed', done.message ?? '')
  t.equal(done.counts.done, 4)
  t.same(files(movies), ['.rfam-preview.png', '0001-0004.mp4'])
  t.equal(probe(join(movies, '0001-0004.mp4')).frames, 4)
})
