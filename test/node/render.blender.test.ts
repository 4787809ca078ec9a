// Real Blender, real nodes, a real server: a 6-frame job on two nodes, a one-frame job rendered
// once, a file with no camera and a file needing the denoiser failing with their log tail.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'

t.test('two nodes render a 6-frame job; a one-frame job renders once; broken files fail with their log', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, blocklistAfter: 1, maxRetries: 1 } } })
  const project = s.projectDir('demo')
  for (const scene of ['tiny.blend', 'nocam.blend', 'denoise.blend', 'movie.blend']) copyScene(scene, join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const shareRoot = s.config.shares.root('data')
  const a = startNode(t, { server: s.url, credential, name: 'pc-a', shareRoot })
  const b = startNode(t, { server: s.url, credential, name: 'pc-b', shareRoot })
  await a.waitForLog({ msg: 'connected to the server' })
  await b.waitForLog({ msg: 'connected to the server' })

  const finished = (id: string) => until(`job ${id} finished`, async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, { timeoutMs: 180_000 })

  const six = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 6 })).body
  const one = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 3, frameEnd: 3, output: 'renders/single/####' })).body
  const movie = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/movie.blend', frameStart: 1, frameEnd: 2 })).body

  const done = await finished(six.id)
  t.equal(done.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'tiny')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'], 'the expected files')
  t.same(done.tasks!.flatMap((x) => x.framesDone).sort((x, y) => x! - y!), [1, 2, 3, 4, 5, 6], 'every frame written exactly once')
  t.same(done.tasks!.flatMap((x) => x.samples!.map((sm) => sm.frame)).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'one sample per frame')
  t.ok(done.tasks!.every((x) => x.samples!.every((sm) => sm.seconds > 0 && (sm.memoryMB ?? 0) > 0)), 'time and peak memory measured for every frame')
  t.ok(done.meanFrameSeconds! > 0)
  // The preview is made in the background after the frame is reported; on a busy machine it can
  // come a moment after the job completes.
  const preview = await until('a preview of the latest frame', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${six.id}`)).body.preview ?? undefined, { timeoutMs: 60_000 })
  t.ok(preview, 'a preview of the latest frame')
  const pic = await fetch(`${s.url}${preview}`, { headers: { cookie: (await logIn(s, 'alex')).cookie } })
  t.equal(pic.headers.get('content-type'), 'image/jpeg')

  const single = await finished(one.id)
  t.equal(single.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'single')), ['0003.png'])
  t.equal(single.tasks![0]!.samples!.length, 1)
  const starts = [...a.logs, ...b.logs].filter((e) => logMatches(e, { msg: 'rendering', job: one.id, frames: [3] }))
  t.equal(starts.length, 1, 'one Blender rendered the one-frame job, once')

  const m = await finished(movie.id)
  t.equal(m.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'movie')).sort(), ['0001.png', '0002.png'], 'a movie-format file renders frames as images')

  const nocam = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/nocam.blend', frameStart: 1, frameEnd: 4 })).body
  const failed = await finished(nocam.id)
  t.equal(failed.status, 'failed')
  t.match(failed.lastFailure, { exitCode: 1, message: 'Blender stopped with exit code 1: Error: Cannot render, no camera' })
  t.match(failed.lastFailure!.logTail, /Error: Cannot render, no camera/, 'the log tail is visible through the API')
  t.match(failed.message, /Cannot render, no camera/)

  const denoise = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/denoise.blend', frameStart: 1, frameEnd: 1 })).body
  const noOidn = await finished(denoise.id)
  t.equal(noOidn.status, 'failed')
  t.match(noOidn.lastFailure!.message, /needs OpenImageDenoise .* which the Blender on this node \(3\.\d+\.\d+\) lacks/)
})
