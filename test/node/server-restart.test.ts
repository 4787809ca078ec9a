// The server killed with SIGKILL in the middle of a job and started again: the node keeps
// rendering, reconnects with its session, and the job completes with every frame exactly once.
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig, repoRoot } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { apiSession, copyScene, startNode, until } from './harness.ts'

async function freePort (): Promise<number> {
  return await new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

function startServer (configFile: string): { proc: ChildProcess, ready: Promise<void>, exited: Promise<unknown> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'server', 'main.ts')], { cwd: repoRoot, env: { ...process.env, RFAM_CONFIG: configFile }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => { out += c; if (out.includes('RFAM is running')) resolve() })
    proc.stderr!.on('data', (c: Buffer) => { out += c })
    proc.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)))
  })
  ready.catch(() => {})
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  return { proc, ready, exited }
}

t.test('server killed and restarted mid-job: the job completes, every frame once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-restart-'))
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false, farmSettings: { heartbeatSeconds: 1, nodeTimeoutSeconds: 30 } })
  const config = loadConfig(configFile)
  let server = startServer(configFile)
  t.teardown(async () => {
    if (server.proc.exitCode === null) { server.proc.kill('SIGTERM'); await server.exited }
    rmSync(dir, { recursive: true, force: true })
  })
  await server.ready
  const base = `http://127.0.0.1:${port}`
  const project = config.shares.resolve('data::demo')
  copyScene('slow.blend', join(project, 'shots'))
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  const node = startNode(t, { server: base, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0] })
  await node.waitFor(/connected to/)
  let api = await apiSession(base)
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 6 })).body
  await until(async () => ((await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= 2 ? true : undefined), 180_000, 'two frames')

  server.proc.kill('SIGKILL')
  await server.exited
  await new Promise((r) => setTimeout(r, 1500)) // the node notices, keeps rendering, backs off
  server = startServer(configFile)
  await server.ready
  api = await apiSession(base)
  const done = await until(async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return body.status === 'completed' ? body : undefined
  }, 240_000, 'job completed after the restart')
  t.same(readdirSync(join(project, 'renders', 'slow')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'])
  t.same(done.tasks!.flatMap((x) => x.framesDone!).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'every frame written exactly once')
  t.equal(done.tasks!.flatMap((x) => x.samples!).length, 6, 'one sample per frame: none rendered twice')
  t.equal(node.lines.filter((l) => /connected to/.test(l)).length, 1, 'the node kept its session across the restart')
})

t.test('a node silent past the timeout across a server restart claims its own tasks back when it returns', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-restart-'))
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false, farmSettings: { heartbeatSeconds: 1, nodeTimeoutSeconds: 3 } })
  const config = loadConfig(configFile)
  let server = startServer(configFile)
  t.teardown(async () => {
    if (server.proc.exitCode === null) { server.proc.kill('SIGTERM'); await server.exited }
    rmSync(dir, { recursive: true, force: true })
  })
  await server.ready
  const base = `http://127.0.0.1:${port}`
  const project = config.shares.resolve('data::demo')
  copyScene('slow.blend', join(project, 'shots'))
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  const node = startNode(t, { server: base, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0] })
  t.teardown(() => { node.proc.kill('SIGCONT') })
  await node.waitFor(/connected to/)
  let api = await apiSession(base)
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 6 })).body
  await until(async () => ((await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= 1 ? true : undefined), 180_000, 'a frame')

  // The node freezes (its Blender renders on), the server dies and comes back, and the node stays
  // silent until the server has given its tasks up and queued them again.
  node.proc.kill('SIGSTOP')
  server.proc.kill('SIGKILL')
  await server.exited
  server = startServer(configFile)
  await server.ready
  api = await apiSession(base)
  await until(async () => {
    const { counts } = (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
    return counts.active === 0 && counts.queued > 0 ? true : undefined
  }, 60_000, 'the silent node\'s tasks queued again')
  node.proc.kill('SIGCONT')
  const done = await until(async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return body.status === 'completed' ? body : undefined
  }, 240_000, 'job completed')
  t.same(readdirSync(join(project, 'renders', 'slow')).filter((f) => !f.startsWith('.')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'])
  const samples = done.tasks!.flatMap((x) => x.samples!)
  t.same(samples.map((x) => x.frame).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'one sample per frame: none rendered twice')
  t.notMatch(node.lines.join('\n'), /stopped "slow"|refused/, 'the node was never told to stop nor refused: it claimed its tasks back')
})
