// What spoils a render, said before it is sent and kept on the job: files saved by real Blender
// without a camera, with Cycles denoising on (and nodes that said they cannot denoise), linking a
// library that was deleted since.
import t from 'tap'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { makeBlendFixtures, noBlender } from '../blend/blender-fixtures.ts'
import { hello } from './farm-helpers.ts'

t.test('no camera, denoising nodes lack, a missing library: warned before sending and kept on the job', { skip: noBlender }, async (t) => {
  const s = await startTestServer(t)
  const project = s.projectDir()
  await makeBlendFixtures(join(project, 'warn'), ['settings'])
  await makeBlendFixtures(join(project, 'linked'))
  rmSync(join(project, 'linked', 'lib', 'chair.blend'))
  const { cookie } = await logIn(s, 'leo')
  const settings = async (path: string) => (await s.app.inject({ url: `/api/projects/demo/render-settings/${path}`, headers: { cookie } })).json()
  const only = (warnings: Array<{ code: string }>, code: string) => warnings.filter((w) => w.code === code)
  const post = async (payload: object) => (await s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload })).json()

  const nocam = await settings('warn/settings/nocam.blend')
  t.match(nocam.settings, { camera: null, frameStart: 0, frameEnd: 47 })
  t.match(nocam.warnings, [{ code: 'no-camera', message: 'The scene "Scene" has no camera, so nothing can be rendered: every frame would fail. In Blender, choose a camera in Scene Properties > Camera, save, and send it again.' }, { code: 'picture-for-video' }])
  t.match((await post({ file: 'warn/settings/nocam.blend' })).warnings, [{ code: 'no-camera' }], 'the job keeps it')

  // Denoising: only nodes that said they cannot are counted; none known, nothing to say.
  t.notOk((await settings('warn/settings/denoise_exr.blend')).warnings.some((w: { code: string }) => w.code === 'denoise-unsupported'), 'no node has said anything yet')
  await hello(s.app.farm, 'pc-full', { denoise: true })
  t.notOk((await settings('warn/settings/denoise_exr.blend')).warnings.some((w: { code: string }) => w.code === 'denoise-unsupported'))
  await hello(s.app.farm, 'pc-debian', { denoise: false })
  const denoise = await settings('warn/settings/denoise_exr.blend')
  t.match(denoise.settings, { denoising: true, engine: 'CYCLES' })
  t.match(only(denoise.warnings, 'denoise-unsupported'), [{ code: 'denoise-unsupported', count: 1, of: 2, message: /^Denoising is on in this file, but 1 of the farm's 2 render nodes cannot denoise \(their Blender lacks OpenImageDenoise\): frames they get fail\./ }])
  const ntsc = await settings('warn/settings/ntsc_movie.blend')
  t.notOk(ntsc.warnings.some((w: { code: string }) => w.code === 'denoise-unsupported'), 'EEVEE does not denoise: nothing to say')

  const linked = await settings('linked/shot.blend')
  t.match(only(linked.warnings, 'missing-library'), [{ code: 'missing-library', path: 'linked/lib/chair.blend', message: /The linked library linked\/lib\/chair\.blend is missing: what it holds will not be in the picture/ }])
  const job = await post({ file: 'linked/shot.blend', frameStart: 1, frameEnd: 1 })
  t.match(only(job.warnings, 'missing-library'), [{ path: 'linked/lib/chair.blend' }], 'the job keeps it, named inside the project as nodes name it')
})
