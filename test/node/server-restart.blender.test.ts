// The server killed with SIGKILL in the middle of a job and started again: the node keeps
// rendering, reconnects with its session, and the job completes with every frame exactly once.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { testFolder } from '../helpers/folders.ts'
import { copyScene, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

async function freePort (): Promise<number> {
  return await new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

t.test('server killed and restarted mid-job: the job completes, every frame once', async (t) => {
  const dir = testFolder(t, 'server')
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false, farmSettings: { heartbeatSeconds: 1, nodeTimeoutSeconds: 30 } })
  const config = loadConfig(configFile)
  // The farm credential is on disk before the server starts (a server re-reads the file at most once a second).
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  let server = await startServerProcess(configFile, { t })
  const base = `http://127.0.0.1:${port}`
  const project = config.shares.resolve('data::demo')
  copyScene('slow.blend', join(project, 'shots'))
  const node = startNode(t, { server: base, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0] })
  await node.waitFor(/connected to/)
  let { api } = await logIn(base, 'alex')
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 6 })).body
  await until('two frames', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= 2, { timeoutMs: 180_000 })

  const seen = node.lines.length
  await server.kill()
  await until('the node noticing the server gone', () => node.lines.slice(seen).some((l) => /trouble /.test(l)), { timeoutMs: 30_000 })
  server = await startServerProcess(configFile, { t })
  api = (await logIn(base, 'alex')).api
  const done = await until('job completed after the restart', async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return body.status === 'completed' ? body : undefined
  }, { timeoutMs: 240_000 })
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'])
  t.same(done.tasks!.flatMap((x) => x.framesDone!).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'every frame written exactly once')
  t.equal(done.tasks!.flatMap((x) => x.samples!).length, 6, 'one sample per frame: none rendered twice')
  t.equal(node.lines.filter((l) => /connected to/.test(l)).length, 1, 'the node kept its session across the restart')
})

t.test('a node silent past the timeout across a server restart claims its own tasks back when it returns', async (t) => {
  const dir = testFolder(t, 'server')
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false, farmSettings: { heartbeatSeconds: 1, nodeTimeoutSeconds: 3 } })
  const config = loadConfig(configFile)
  // The farm credential is on disk before the server starts (a server re-reads the file at most once a second).
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  let server = await startServerProcess(configFile, { t })
  const base = `http://127.0.0.1:${port}`
  const project = config.shares.resolve('data::demo')
  copyScene('slow.blend', join(project, 'shots'))
  const node = startNode(t, { server: base, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0] })
  t.teardown(() => { node.proc.kill('SIGCONT') })
  await node.waitFor(/connected to/)
  let { api } = await logIn(base, 'alex')
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 6 })).body
  await until('a frame', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= 1, { timeoutMs: 180_000 })

  // The node freezes (its Blender renders on), the server dies and comes back, and the node stays
  // silent until the server has given its tasks up and queued them again.
  node.proc.kill('SIGSTOP')
  await server.kill()
  server = await startServerProcess(configFile, { t })
  api = (await logIn(base, 'alex')).api
  await until('the silent node\'s tasks queued again', async () => {
    const { counts } = (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
    return counts.active === 0 && counts.queued > 0 ? true : undefined
  }, { timeoutMs: 60_000 })
  node.proc.kill('SIGCONT')
  const done = await until('job completed', async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return body.status === 'completed' ? body : undefined
  }, { timeoutMs: 240_000 })
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'])
  const samples = done.tasks!.flatMap((x) => x.samples!)
  t.same(samples.map((x) => x.frame).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'one sample per frame: none rendered twice')
  t.notMatch(node.lines.join('\n'), /stopped "slow"|refused/, 'the node was never told to stop nor refused: it claimed its tasks back')
})
