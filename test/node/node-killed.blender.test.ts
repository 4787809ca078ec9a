// A node killed (SIGKILL) in the middle of a frame: its Blender stops by itself, the server gives
// the node up after the node timeout, another node renders what was left, and every frame exists
// exactly once.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene, isAlive, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

t.test('a node killed mid-frame: the frame is rendered elsewhere, every frame exactly once', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, nodeTimeoutSeconds: 3 } } })
  const project = s.projectDir('demo')
  copyScene('slow.blend', join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const shareRoot = s.config.shares.root('data')
  const a = startNode(t, { server: s.url, credential, name: 'pc-a', shareRoot, processes: [0] })
  await a.waitForLog({ msg: 'connected to the server' })
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 6 })).body
  const view = () => api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`).then((r) => r.body)

  // Wait until pc-a is inside a run of several frames with some written: it is mid-frame.
  await a.waitForLog({ msg: 'rendering', jobName: 'slow', project: 'demo', frames: /^\[\d+,\d+/ })
  await until('three frames written', async () => (await view()).counts.done >= 3, { timeoutMs: 180_000 })
  const blender = a.blenderPids().at(-1)!
  t.ok(isAlive(blender), 'its Blender is rendering')
  a.proc.kill('SIGKILL')
  await a.exited
  await until('the orphaned Blender exiting', () => !isAlive(blender), { timeoutMs: 20_000 })
  t.pass('the Blender of a killed node stops by itself (its stdin closed)')

  const b = startNode(t, { server: s.url, credential, name: 'pc-b', shareRoot, processes: [0] })
  const done = await until('job completed', async () => { const v = await view(); return v.status === 'completed' ? v : undefined }, { timeoutMs: 240_000 })
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'])
  const written = done.tasks!.flatMap((x) => x.framesDone!).sort((x, y) => x - y)
  t.same(written, [1, 2, 3, 4, 5, 6], 'every frame written exactly once')
  const byNode = (node: string) => done.tasks!.flatMap((x) => x.samples!).filter((sm) => sm.node === node).map((sm) => sm.frame)
  t.ok(byNode('pc-b').length > 0, `pc-b rendered what pc-a left (${byNode('pc-b').join(', ')})`)
  t.same([...byNode('pc-a'), ...byNode('pc-b')].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'no frame rendered by both')
  const nodes = (await api<{ nodes: Array<{ name: string, online: boolean }> }>('GET', '/api/farm/nodes')).body.nodes
  t.same(nodes.map((n) => [n.name, n.online]), [['pc-a', false], ['pc-b', true]], 'the dead node shows offline')
  t.ok(b.logs.some((e) => e.msg === 'rendering' && e.jobName === 'slow'))
})
