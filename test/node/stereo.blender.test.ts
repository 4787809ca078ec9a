// A stereo scene saved as one file per eye: Blender writes 0001_L.png and 0001_R.png and no
// 0001.png. The frames count (the node names the left eye's file; the server takes an eye's file
// as the frame's), the job completes and its preview is made, as for any other scene.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

t.test('a stereo job renders both eyes and every frame counts', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const project = s.projectDir('demo')
  copyScene('stereo.blend', join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const node = startNode(t, { server: s.url, credential, name: 'pc-s', shareRoot: s.config.shares.root('data') })
  await node.waitForLog({ msg: 'connected to the server' })

  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/stereo.blend', frameStart: 1, frameEnd: 3 })).body
  const done = await until('the stereo job finished', async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, { timeoutMs: 180_000 })
  t.equal(done.status, 'completed', done.message ?? '')
  t.same(readdirSync(join(project, 'renders', 'shots', 'stereo')).filter((f) => !f.startsWith('.')).sort(),
    ['0001_L.png', '0001_R.png', '0002_L.png', '0002_R.png', '0003_L.png', '0003_R.png'], 'both eyes of every frame')
  t.same(done.tasks!.flatMap((x) => x.framesDone).sort(), [1, 2, 3], 'every frame counted once')
  const preview = await until('a preview of the latest frame', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.preview ?? undefined, { timeoutMs: 60_000 })
  t.ok(preview, 'the preview is made from the left eye')
})
