// Cancel reaches a rendering node through its held work request: its Blender is gone soon after
// (asserted with a generous bound; the latency is printed, and measured in test/bench). An idle
// node picks a new job up through its held request the same way.
import t from 'tap'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene, isAlive, startNode, waitingForWork, workRequests } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

t.test('an idle node picks a new job up at once; cancel stops its Blender', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1 } } })
  const project = s.projectDir('demo')
  copyScene('slow.blend', join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const a = startNode(t, { server: s.url, credential, name: 'pc-a', shareRoot: s.config.shares.root('data'), processes: [0] })
  await a.waitForLog({ msg: 'connected to the server' })
  await waitingForWork(s.app.farm, 'pc-a') // the node is now waiting in its held request

  const added = Date.now()
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 40 })).body
  const run = await a.waitForLog({ msg: 'rendering', jobName: 'slow', project: 'demo', frames: /^\[1,\d+/ })
  t.comment(`pickup: ${Date.now() - added} ms from adding the job to the node starting Blender`)
  await until('first frame', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= 1, { timeoutMs: 120_000 })
  const pid = run.blenderPid as number
  t.ok(isAlive(pid), 'Blender is rendering')

  const asked = workRequests(s.app.farm, 'pc-a')
  const cancelled = Date.now()
  t.comment(`cancel requested at ${new Date(cancelled).toISOString()}`)
  const res = await api<JobView>('PATCH', `/api/projects/demo/jobs/${job.id}`, { action: 'cancel' })
  t.equal(res.body.status, 'cancelled')
  await until('Blender gone after cancel', () => !isAlive(pid), { timeoutMs: 10_000 })
  t.comment(`cancel: Blender gone ${Date.now() - cancelled} ms after the request`)
  t.pass('the cancelled Blender is gone')
  await a.waitForLog({ msg: 'run stopped', jobName: 'slow', job: job.id })
  await waitingForWork(s.app.farm, 'pc-a', asked) // it asked again, and got nothing
  t.equal(a.logs.filter((e) => e.msg === 'rendering' && e.job === job.id).length, 1, 'nothing else of the job was started')
  const after = (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
  t.equal(after.counts.active, 0)
  t.same(after.nodes, [])
})
