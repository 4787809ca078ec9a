// Live servers are rejoined at once (issue 16 item 5), with a real server process, a real node
// and real Blender. The server killed and away for a while: the node's waits between retries
// stay within a few seconds (they grew to 54-56 s), so it is back at work seconds after the
// server is. The server frozen (SIGSTOP): the node's requests time out, so it notices and says
// so, and after the server thaws it carries on, and is not taken as gone.
import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { testFolder } from '../helpers/folders.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { copyScene, startNode } from './harness.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

interface Tap { teardown: (fn: () => unknown) => void }

async function freePort (): Promise<number> {
  return await new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

/** A server process on a fresh data folder with slow.blend in the demo project, and one node. */
async function farm (t: Tap, farmSettings: Record<string, unknown>) {
  const dir = testFolder(t, 'server')
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false, logLevel: 'info', farmSettings: { heartbeatSeconds: 1, ...farmSettings } })
  const config = loadConfig(configFile)
  const start = async () => {
    const p = await startServerProcess(configFile, { t })
    t.teardown(() => { p.child.kill('SIGCONT') })
    return p
  }
  // The farm credential is on disk before the server starts (a server re-reads the file at most once a second).
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  const server: { p: ServerProcess } = { p: await start() }
  const base = `http://127.0.0.1:${port}`
  const project = config.shares.resolve('data::demo')
  copyScene('slow.blend', join(project, 'shots'))
  const node = startNode(t, { server: base, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0] })
  await node.waitFor(/connected to/)
  const api = async () => (await logIn(base, 'alex')).api
  const finished = async (id: string) => {
    const session = await api()
    return await until('job finished', async () => {
      const { body } = await session<JobView>('GET', `/api/projects/demo/jobs/${id}`)
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
    }, { timeoutMs: 240_000 })
  }
  return { server, start, project, node, api, finished }
}

const frames = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
const files = (n: number) => frames(n).map((f) => `${String(f).padStart(4, '0')}.png`)

t.test('the server away: the node retries every few seconds and works again soon after it is back', async (t) => {
  const { server, start, project, node, api, finished } = await farm(t, {})
  copyScene('slow.blend', join(project, 'shots'), 'short.blend')
  const session = await api()
  const short = (await session<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/short.blend', frameStart: 1, frameEnd: 2 })).body
  await node.waitFor(/rendering "short"/)
  const job = (await session<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 4 })).body
  // The node finishes its short run while the server is away, then needs the server for more; the
  // server stays away for four of its retries (without a cap on the wait, the fourth is 8 s).
  let seen = node.lines.length
  await server.p.kill()
  const retries = () => node.lines.slice(seen).filter((l) => /trying again in ([\d.]+) s/.test(l)).length
  await until('four retries, the short run done', () => retries() >= 4 && existsSync(join(project, 'renders', 'shots', 'short', '0002.png')), { timeoutMs: 90_000 })
  t.ok(existsSync(join(project, 'renders', 'shots', 'short', '0002.png')), 'the node finished its run meanwhile')
  seen = node.lines.length
  server.p = await start()
  const back = performance.now()
  await until('the node rendering again', () => node.lines.slice(seen).some((l) => /rendering "slow"/.test(l)), { timeoutMs: 60_000 })
  const seconds = (performance.now() - back) / 1000
  const waits = node.lines.flatMap((l) => { const m = /trying again in ([\d.]+) s/.exec(l); return m ? [Number(m[1])] : [] })
  t.ok(waits.length >= 3, `the node retried while the server was away (${waits.join(', ')} s)`)
  t.ok(Math.max(...waits) <= 5.5, `no wait between retries longer than a few seconds (longest ${Math.max(...waits)} s)`)
  t.ok(seconds < 15, `rendering again ${seconds.toFixed(1)} s after the server was back`)
  t.equal((await finished(short.id)).status, 'completed')
  const done = await finished(job.id)
  t.equal(done.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), files(4))
  t.same(done.tasks!.flatMap((x) => x.samples!).map((x) => x.frame).sort((x, y) => x - y), frames(4), 'every frame once')
})

t.test('the server frozen: the node notices (its requests time out) and carries on when it thaws', async (t) => {
  const { server, project, node, api, finished } = await farm(t, { longPollSeconds: 2 })
  const job = (await (await api())<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 12 })).body
  await node.waitFor(/rendering "slow" \(demo\) frames \d+–\d+/)
  server.p.child.kill('SIGSTOP')
  // Its held request (long poll 2 s) gets no answer: given up after the long poll and a margin.
  await node.waitFor(/trouble asking for work: the server did not answer within \d+ s/, 40_000)
  t.pass('the node noticed the frozen server')
  server.p.child.kill('SIGCONT')
  const done = await finished(job.id)
  t.equal(done.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), files(12))
  t.same(done.tasks!.flatMap((x) => x.samples!).map((x) => x.frame).sort((x, y) => x - y), frames(12), 'every frame once')
  t.notMatch(node.lines.join('\n'), /stopped "slow"|refused/, 'the node kept its work: never told to stop')
  t.notMatch(server.p.lines.join('\n'), /pc-a closed its request|pc-a has not been heard from/, 'the server never gave the node up')
})

t.test('a node started before its server: tries every few seconds, connects soon after the server is up', async (t) => {
  const dir = testFolder(t, 'server')
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false })
  const config = loadConfig(configFile)
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  const node = startNode(t, { server: `http://127.0.0.1:${port}`, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0], extra: { readyBlender: false } })
  // No server for four of its tries (without a cap on the wait, the fourth is 8 s).
  await until('four tries', () => node.lines.filter((l) => /trouble saying hello: .*trying again in/.test(l)).length >= 4, { timeoutMs: 90_000 })
  await startServerProcess(configFile, { t })
  const up = performance.now()
  await node.waitFor(/connected to/, 60_000)
  const seconds = (performance.now() - up) / 1000
  const waits = node.lines.flatMap((l) => { const m = /trouble saying hello: .*trying again in ([\d.]+) s/.exec(l); return m ? [Number(m[1])] : [] })
  t.ok(waits.length >= 3, `it tried again and again (${waits.join(', ')} s)`)
  t.ok(Math.max(...waits) <= 5.5, `no wait longer than a few seconds before it ever reached the server (longest ${Math.max(...waits)} s)`)
  t.ok(seconds < 15, `connected ${seconds.toFixed(1)} s after the server was up (the waits alone tell the old back-off apart)`)
  t.match(node.lines.join('\n'), /trouble saying hello: fetch failed \(ECONNREFUSED\)/, 'the log says why')
})
