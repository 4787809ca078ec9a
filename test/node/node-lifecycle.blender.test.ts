// A node's life: a single-use node takes one round of work, renders it and exits; SIGTERM stops
// a node's Blenders and signs it off, so its work is queued again at once.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene, isAlive, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

t.test('single-use: one round of work, then exit 0; SIGTERM: Blender stopped, work given back', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1 } } })
  const project = s.projectDir('demo')
  copyScene('tiny.blend', join(project, 'shots'))
  copyScene('slow.blend', join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const shareRoot = s.config.shares.root('data')

  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 4 })).body
  const once = startNode(t, { server: s.url, credential, name: 'cluster-1', shareRoot, processes: [1, 1], extra: { singleUse: true } })
  t.equal(await once.exited, 0, 'the single-use node exits 0 when its work is done')
  const view = (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
  t.equal(view.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'tiny')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png'])
  t.equal(once.logs.filter((e) => e.msg === 'rendering' && e.job === job.id).length, 2, 'two runs, one per process, in one round')

  const slow = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 30 })).body
  const node = startNode(t, { server: s.url, credential, name: 'pc-a', shareRoot, processes: [0] })
  const pid = (await node.waitForLog({ msg: 'rendering', job: slow.id })).blenderPid as number
  node.proc.kill('SIGTERM')
  t.equal(await node.exited, 0, 'the node stops cleanly')
  await until('Blender gone', () => !isAlive(pid), { timeoutMs: 10_000 })
  t.pass('its Blender is gone')
  const after = (await api<JobView>('GET', `/api/projects/demo/jobs/${slow.id}`)).body
  t.equal(after.counts.active, 0, 'nothing is left assigned to the stopped node (it signed off)')
  const nodes = (await api<{ nodes: Array<{ name: string, online: boolean }> }>('GET', '/api/farm/nodes')).body.nodes
  t.same(nodes.find((n) => n.name === 'pc-a')?.online, false)
})

t.test('a node whose processes each use every core says so; the server records it', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const credential = await s.app.farm.credentials.create('test')
  const shareRoot = s.config.shares.root('data')
  const record = (name: string) => JSON.parse(readFileSync(join(s.config.farmDir, 'nodes', `${name}.json`), 'utf8')) as { processes: number, sharedCores?: boolean }
  const shared = startNode(t, { server: s.url, credential, name: 'pc-shared', shareRoot, processes: [0, 0], extra: { readyBlender: false } })
  const own = startNode(t, { server: s.url, credential, name: 'pc-own', shareRoot, processes: [1], extra: { readyBlender: false } })
  await shared.waitForLog({ msg: 'connected to the server' })
  await own.waitForLog({ msg: 'connected to the server' })
  t.match(record('pc-shared'), { processes: 2, sharedCores: true }, 'two processes of thread count 0: they share the cores')
  t.equal(record('pc-own').sharedCores, false, 'one process of one thread has its core')
})
