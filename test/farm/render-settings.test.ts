// The file is the truth for render settings: the server reads them from the .blend (the demo's files
// were saved by real Blender from the templates), the render form gets them from
// GET …/render-settings/<path>, and a job sent without frames renders the file's own range.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Job } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

t.test('the render form\'s defaults come from the file', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'leo')
  const get = (path: string) => s.app.inject({ url: `/api/projects/demo/render-settings/${path}`, headers: { cookie } })

  const shot = await get('shots/shot_010_intro.blend')
  t.equal(shot.statusCode, 200, shot.body)
  t.equal(validator().check('api-render-settings.schema.json', shot.json()), null)
  t.same(shot.json(), {
    path: 'shots/shot_010_intro.blend',
    blenderVersion: '3.4',
    settings: { scene: 'Scene', frameStart: 1, frameEnd: 96, frameStep: 1, fps: 24, resolution: [2048, 858], resolutionPercentage: 100, engine: 'BLENDER_EEVEE', camera: 'Camera', fileFormat: 'PNG', movie: false, denoising: false },
    warnings: [{ code: 'picture-for-video', when: 'video', message: 'This job makes one video, but the file writes PNG pictures: you will get frames, not a movie. In Blender, set Output Properties > File Format to FFmpeg Video and save, or render frames instead.' }],
  }, 'a 96-frame shot, as its file says; a video of it would be pictures')

  const film = (await get('final/final_film.blend')).json()
  t.match(film.settings, { frameEnd: 1440, fileFormat: 'FFMPEG', movie: true })
  t.match(film.warnings, [{ code: 'movie-for-frames', when: 'frames', message: /writes PNG pictures instead/ }])

  writeFileSync(join(s.projectDir(), 'notes.blend'), TINY_BLEND)
  const bare = (await get('notes.blend')).json()
  t.match(bare, { path: 'notes.blend', settings: null, warnings: [], problem: /"notes\.blend" has no scene .* give the frames to render yourself/ })

  writeFileSync(join(s.projectDir(), 'random.blend'), 'not a blend at all')
  t.match((await get('random.blend')).json(), { statusCode: 400, code: 'RFAM_NOT_BLEND', message: /"random\.blend" is not a \.blend file/ })
  t.match((await get('nothing.blend')).json(), { statusCode: 400, code: 'RFAM_NO_FILE' })
  t.match((await get('shots/shot_010_intro.blend.json')).json(), { statusCode: 400, code: 'RFAM_BAD_FILE' })
  t.match((await get('..%2F..%2Foutside.blend')).json(), { statusCode: 400, code: 'RFAM_PATH_OUTSIDE' })
  t.equal((await s.app.inject({ url: '/api/projects/demo/render-settings/shots/shot_010_intro.blend' })).statusCode, 401, 'members only')
})

t.test('a job sent without frames renders the file\'s range and keeps what the file said', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'leo')
  const post = (payload: object) => s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload })
  const jobFile = (id: string) => JSON.parse(readFileSync(join(s.config.farmDir, 'jobs', `${id}.json`), 'utf8')) as Job

  const res = await post({ file: 'shots/shot_010_intro.blend' })
  t.equal(res.statusCode, 201, res.body)
  const job = res.json()
  t.match(job, { frameStart: 1, frameEnd: 96, frameStep: 1, counts: { frames: 96 }, warnings: [], settings: { fps: 24, engine: 'BLENDER_EEVEE', camera: 'Camera' } })
  t.match(jobFile(job.id), { frameStart: 1, frameEnd: 96, settings: { frameEnd: 96 } }, 'the job file keeps the settings')
  t.notOk('warnings' in jobFile(job.id), 'no warnings: none written')

  const part = (await post({ file: 'shots/shot_010_intro.blend', frameStart: 10, frameEnd: 20 })).json()
  t.match(part, { frameStart: 10, frameEnd: 20, counts: { frames: 11 } }, 'frames given win')

  const film = (await post({ file: 'final/final_film.blend', frameStart: 1, frameEnd: 2 })).json()
  t.match(film.warnings, [{ code: 'movie-for-frames' }], 'frames of a movie file: warned')
  t.match(jobFile(film.id).warnings, [{ code: 'movie-for-frames', message: /PNG pictures instead/ }], 'in the job file too')
  const video = (await post({ file: 'final/final_film.blend', frameStart: 1, frameEnd: 2, video: true })).json()
  t.same(video.warnings, [], 'the same file as one video: nothing to say')

  writeFileSync(join(s.projectDir(), 'notes.blend'), TINY_BLEND)
  const none = await post({ file: 'notes.blend' })
  t.equal(none.statusCode, 400)
  t.match(none.json(), { code: 'RFAM_BAD_FRAMES', message: 'Give the first and last frame to render: "notes.blend" has no scene this server can read them from.' })
  t.equal((await post({ file: 'notes.blend', frameStart: 1, frameEnd: 1 })).statusCode, 201, 'with frames given, it is sent')
})
