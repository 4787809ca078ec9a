// A real render node makes the film with ffmpeg: real PNG frames of a rendered shot, a title card
// for a shot not rendered yet, the project's sound file; the movie checked with ffprobe (H.264,
// yuv420p, as long as its frames at the film's frame rate, with sound) and downloaded. A frame
// deleted after the film was sent and a sound file that is not sound fail the job with a sentence.
// (".blender": the node program checks Blender at start.)
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FilmView, JobView } from '../../schemas/generated/types.ts'
import { farmWithScenes } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { framesNode, makeShots, renderShot, testFrames } from '../helpers/film-shots.ts'

const probe = (file: string) => JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,pix_fmt,nb_frames,duration:format=duration', '-of', 'json', file], { encoding: 'utf8' })) as {
  streams: Array<{ codec_type: string, codec_name: string, width?: number, height?: number, pix_fmt?: string, nb_frames?: string, duration?: string }>
  format: { duration: string }
}

t.test('a node makes the film with ffmpeg', async (t) => {
  const { s, project, node, finished } = await farmWithScenes(t, [])
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const [a, b] = await makeShots(teacher.api, 2, 3)
  t.equal((await teacher.api('PUT', '/api/projects/demo/film/order', { order: [a, b] })).status, 200)
  const frames = await framesNode(s)
  await renderShot(teacher.api, frames, a!, 12)
  mkdirSync(join(project, 'sound'))
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=1', join(project, 'sound', 'film.wav')])
  t.equal((await teacher.api('PATCH', '/api/projects/demo/file', { sound: 'sound/film.wav', frameRate: 24 })).status, 200)
  const make = async () => {
    const { status, body } = await teacher.api<FilmView>('POST', '/api/projects/demo/film/make')
    t.equal(status, 201)
    return body.film!.job
  }

  // Sent, then a frame deleted before a node takes it.
  const first = await make()
  const deleted = join(project, 'renders', a!.replace(/\.blend$/, ''), '0005.png')
  unlinkSync(deleted)
  await node('pc-film', [1])
  const broken = await finished(first)
  t.equal(broken.status, 'failed')
  t.match(broken.lastFailure?.message, /0005\.png of shot "Shot 030" is not there any more.*Make the film/)

  copyFileSync(testFrames(12)[4]!, deleted)
  const good = await make()
  const done = await finished(good)
  t.equal(done.status, 'completed', done.lastFailure?.message ?? '')
  // Shot 030 rendered; Shot 040 and the demo's two shots as 2 s title cards.
  const length = 12 + 3 * 48
  t.equal(done.counts.done, length, 'its frames: 12 rendered, three title cards')
  const movie = join(project, 'renders', 'film', `${done.name}.mp4`)
  const facts = probe(movie)
  const video = facts.streams.find((x) => x.codec_type === 'video')!
  t.match(video, { codec_name: 'h264', pix_fmt: 'yuv420p', width: 64, height: 48, nb_frames: String(length) })
  t.ok(Math.abs(Number(video.duration) - length / 24) < 0.01, `video lasts frames / fps (${video.duration} s)`)
  t.ok(facts.streams.some((x) => x.codec_type === 'audio'), 'it has the sound')
  t.ok(Math.abs(Number(facts.format.duration) - length / 24) < 0.1, `the film lasts 6.5 s (${facts.format.duration})`)

  const view = (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body
  t.match(view.film, { job: good, status: 'completed', progress: 1, download: `/api/projects/demo/film/download/${good}` })
  const zoe = await logIn(s, 'zoe')
  const res = await fetch(`${s.url}${view.film!.download}`, { headers: { cookie: zoe.cookie } })
  t.equal(res.status, 200, 'everyone can download it')
  t.equal(res.headers.get('content-type'), 'video/mp4')
  t.equal(res.headers.get('content-disposition'), `attachment; filename="${done.name}.mp4"`)
  t.equal((await res.arrayBuffer()).byteLength, statSync(movie).size)

  // A sound file that is not sound.
  writeFileSync(join(project, 'sound', 'film.wav'), 'this is no sound at all')
  const noSound = await finished(await make())
  t.equal(noSound.status, 'failed')
  t.match(noSound.lastFailure?.message, /The film could not be made: the sound file sound\/film\.wav is not a sound/)
})

t.test('the node says it has ffmpeg', async (t) => {
  const { s, node } = await farmWithScenes(t, [])
  await node('pc-ff', [1])
  const nodes = (await (await logIn(s, 'teacher', { secret: '1234' })).api<{ nodes: Array<{ name: string, provides: string[] }> }>('GET', '/api/farm/nodes')).body
  t.ok(nodes.nodes.find((n) => n.name === 'pc-ff')?.provides.includes('ffmpeg'))
})

export type { JobView }
