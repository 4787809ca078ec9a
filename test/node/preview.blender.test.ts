// Previews of frames a browser cannot show (real Blender, a real node and server): an OpenEXR job
// gets a JPEG made by the node through the file's view transform, served as the job's preview.
import t, { type Test } from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { farmWithScenes } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

type Farm = Awaited<ReturnType<typeof farmWithScenes>>

/** The job gets a preview, and a logged-in user is served it as a JPEG. */
async function expectJpegPreview (t: Test, { s, api }: Farm, job: string): Promise<void> {
  const preview = await until('a preview', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job}`)).body.preview ?? undefined, { timeoutMs: 60_000 })
  const pic = await fetch(`${s.url}${preview}`, { headers: { cookie: (await logIn(s, 'alex')).cookie } })
  t.equal(pic.status, 200)
  t.equal(pic.headers.get('content-type'), 'image/jpeg')
  const bytes = Buffer.from(await pic.arrayBuffer())
  t.same([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG a browser can show')
}

t.test('an OpenEXR job shows a JPEG preview made by the node', async (t) => {
  const farm = await farmWithScenes(t, ['exr.blend'])
  const { project, api, node, finished } = farm
  await node('pc-a', [1])
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/exr.blend', frameStart: 1, frameEnd: 3 })).body
  t.equal((await finished(job.id)).status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'exr')).filter((f) => !f.startsWith('.')).sort(), ['0001.exr', '0002.exr', '0003.exr'], 'the frames stay OpenEXR')
  await expectJpegPreview(t, farm, job.id)
})

t.test('a video job renders one movie in one Blender and shows a JPEG of its latest frame; a video of a broken file fails with the reason', async (t) => {
  const farm = await farmWithScenes(t, ['movie.blend', 'nocam.blend'])
  const { project, api, node, finished } = farm
  const pc = await node('pc-a', [1])
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/movie.blend', frameStart: 1, frameEnd: 12, video: true })).body
  const done = await finished(job.id)
  t.equal(done.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'movie')).filter((f) => !f.startsWith('.')), ['0001-0012.mp4'], 'one movie file of the whole range')
  t.equal(pc.logs.filter((e) => e.msg === 'rendering' && e.job === job.id && e.video === true).length, 1, 'one Blender rendered it')
  await expectJpegPreview(t, farm, job.id)

  const broken = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/nocam.blend', frameStart: 1, frameEnd: 4, video: true })).body
  const failed = await finished(broken.id)
  t.equal(failed.status, 'failed')
  t.match(failed.lastFailure, { exitCode: 1, message: /Cannot render, no camera/ })
})
