// The Film routes against a real server and farm: film order (staff only, unknown and duplicate
// shots refused, new shots last, removed ones gone), each shot's latest render with the frames still
// on disk (partly finished, deleted since), frames served for playback, and a film job sent (staff
// only, not for an empty film or a missing sound file).
import t from 'tap'
import { rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FilmView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { framesNode, makeShots, renderShot } from '../helpers/film-shots.ts'

t.test('film order, renders, frames and a film job', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const zoe = await logIn(s, 'zoe')
  const film = async () => (await zoe.api<FilmView>('GET', '/api/projects/demo/film')).body
  const paths = (v: FilmView) => v.shots.map((x) => x.path)

  const first = await film()
  const demo = paths(first)
  t.equal(demo.length, 2, 'the demo shots')
  t.equal(first.fps, 24)
  t.same(first.sound, null)
  t.same(first.film, null)
  t.ok(first.shots.every((x) => x.render === null && !x.gone && x.stateName.length > 0), 'not rendered, with the state named')

  const [a, b, c] = await makeShots(teacher.api, 3, 3)
  t.same(paths(await film()), [...demo, a, b, c], 'new shots go last, in the order they were made')

  const denied = await zoe.api('PUT', '/api/projects/demo/film/order', { order: [c, a] })
  t.equal(denied.status, 403)
  t.match(denied.body.message, /Only staff can change the order of the film's shots/)
  const unknown = await teacher.api('PUT', '/api/projects/demo/film/order', { order: [c, 'props/cake.blend'] })
  t.equal(unknown.status, 400)
  t.equal(unknown.body.code, 'RFAM_FILM_UNKNOWN_SHOT')
  t.match(unknown.body.message, /props\/cake\.blend/)
  const twice = await teacher.api('PUT', '/api/projects/demo/film/order', { order: [c, a, c] })
  t.equal(twice.status, 400)
  t.equal(twice.body.code, 'RFAM_FILM_SHOT_TWICE')
  const ok = await teacher.api<FilmView>('PUT', '/api/projects/demo/film/order', { order: [c, a] })
  t.equal(ok.status, 200)
  t.same(paths(ok.body), [c, a, ...demo, b], 'ordered ones first, the rest by creation')
  const [d] = await makeShots(teacher.api, 1, 6)
  t.same(paths(await film()), [c, a, ...demo, b, d], 'a new shot comes last')

  // Rendered: c fully, a partly; b rendered and then its frames deleted.
  const node = await framesNode(s)
  const jc = await renderShot(teacher.api, node, c!, 6)
  const ja = await renderShot(teacher.api, node, a!, 6, (f) => f <= 3)
  t.equal((await teacher.api('PATCH', `/api/projects/demo/jobs/${ja.id}`, { action: 'cancel' })).status, 200)
  const jb = await renderShot(teacher.api, node, b!, 4)
  let v = await film()
  const shot = (p: string) => v.shots.find((x) => x.path === p)!
  t.match(shot(c!).render, { job: jc.id, status: 'completed', frameStart: 1, frameEnd: 6, frames: [1, 2, 3, 4, 5, 6] })
  t.match(shot(a!).render, { job: ja.id, status: 'cancelled', frames: [1, 2, 3] }, 'a partly finished render plays what it has')
  t.same(shot(b!).render?.frames, [1, 2, 3, 4])
  rmSync(join(s.projectDir(), 'renders', b!.replace(/\.blend$/, '')), { recursive: true })
  unlinkSync(join(s.projectDir(), 'renders', c!.replace(/\.blend$/, ''), '0002.png'))
  v = await film()
  t.same(shot(b!).render, null, 'frames deleted since: no render to play')
  t.equal(shot(b!).gone, true, '… and it says they are gone')
  t.same(shot(c!).render?.frames, [1, 3, 4, 5, 6], 'a deleted frame drops out')

  const pic = await fetch(`${s.url}/api/projects/demo/film/frames/${jc.id}/3`, { headers: { cookie: zoe.cookie } })
  t.equal(pic.status, 200)
  t.equal(pic.headers.get('content-type'), 'image/png')
  t.equal(Buffer.from(await pic.arrayBuffer()).subarray(1, 4).toString(), 'PNG')
  const gone = await zoe.api('GET', `/api/projects/demo/film/frames/${jc.id}/2`)
  t.equal(gone.status, 404)
  t.equal(gone.body.code, 'RFAM_NO_FRAME')
  t.equal((await zoe.api('GET', `/api/projects/demo/film/frames/${jb.id}/1`)).status, 404)

  // Removing a shot drops it out of the film.
  unlinkSync(join(s.projectDir(), `${d}.json`))
  unlinkSync(join(s.projectDir(), d!))
  await until('the removed shot gone from the film', async () => !paths(await film()).includes(d!), { timeoutMs: 60_000 })
  t.same(paths(await film()), [c, a, ...demo, b])

  // Making the film: staff only; a missing sound file refused; then a film job needing ffmpeg.
  const notStaff = await zoe.api('POST', '/api/projects/demo/film/make')
  t.equal(notStaff.status, 403)
  t.match(notStaff.body.message, /Only staff can make the film/)
  t.equal((await teacher.api('PATCH', '/api/projects/demo/file', { sound: 'sound/film.wav' })).status, 200)
  t.same((await film()).sound, { path: 'sound/film.wav', found: false })
  const noSound = await teacher.api('POST', '/api/projects/demo/film/make')
  t.equal(noSound.status, 400)
  t.equal(noSound.body.code, 'RFAM_FILM_NO_SOUND')
  t.equal((await zoe.api('PATCH', '/api/projects/demo/file', { sound: '' })).status, 403, 'only staff set the sound file')
  t.equal((await teacher.api('PATCH', '/api/projects/demo/file', { sound: '' })).status, 200)
  const made = await teacher.api<FilmView>('POST', '/api/projects/demo/film/make')
  t.equal(made.status, 201)
  t.match(made.body.film, { status: 'queued', progress: 0, download: null })
  const job = s.app.farm.jobFile(made.body.film!.job)!
  t.equal(job.kind, 'film')
  t.same(job.requires, ['ffmpeg'])
  t.match(job.output, /renders\/film\/demo-.*\.mp4$/)
  const segments = job.film!.segments
  t.same(segments.map((x) => x.shot), [c, a, ...demo, b])
  t.same(segments[0]!.files, [1, 3, 4, 5, 6].map((f) => `renders/${c!.replace(/\.blend$/, '')}/000${f}.png`))
  t.same(segments[1]!.files, [1, 2, 3].map((f) => `renders/${a!.replace(/\.blend$/, '')}/000${f}.png`), 'a partly finished render: the frames it has')
  t.match(segments[2]!.card, { text: /^Shot 010 Intro — .+ — not rendered yet$/, frames: 48 })
  t.equal(job.frameEnd, 5 + 3 + 48 * 3, 'the film is as long as its frames and cards')
  const notYet = await zoe.api('GET', `/api/projects/demo/film/download/${job.id}`)
  t.equal(notYet.status, 404)
  t.equal(notYet.body.code, 'RFAM_NO_FILM')
})

t.test('an empty film says what to do, and makes no film', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  for (const shot of (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body.shots) {
    unlinkSync(join(s.projectDir(), `${shot.path}.json`))
    writeFileSync(join(s.projectDir(), shot.path), '') // the file stays, no asset any more
  }
  await until('no shots', async () => (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body.shots.length === 0)
  const empty = await teacher.api('POST', '/api/projects/demo/film/make')
  t.equal(empty.status, 400)
  t.equal(empty.body.code, 'RFAM_FILM_EMPTY')
  t.match(empty.body.message, /shot/i)
})
