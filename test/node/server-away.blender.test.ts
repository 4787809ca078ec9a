// Live servers are rejoined at once (issue 16 item 5), with a real server process, a real node
// and real Blender. The server killed and away for a while: the node's waits between retries
// stay within a few seconds (they grew to 54-56 s), so it is back at work seconds after the
// server is. The server frozen (SIGSTOP): the node's requests time out, so it notices and says
// so, and after the server thaws it carries on, and is not taken as gone.
import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { freePort, startServerProcess } from '../helpers/server-process.ts'
import { testFolder } from '../helpers/folders.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { copyScene, startNode } from './harness.ts'
import { restartableFarm } from './restartable-farm.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'

const frames = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
const files = (n: number) => frames(n).map((f) => `${String(f).padStart(4, '0')}.png`)

t.test('the server away: the node retries every few seconds and works again soon after it is back', async (t) => {
  const { server, start, project, node, api, finished } = await restartableFarm(t, {})
  copyScene('slow.blend', join(project, 'shots'), 'short.blend')
  const session = await api()
  const short = (await session<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/short.blend', frameStart: 1, frameEnd: 2 })).body
  await node.waitForLog({ msg: 'rendering', jobName: 'short' })
  const job = (await session<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 4 })).body
  // The node finishes its short run while the server is away, then needs the server for more; the
  // server stays away for four of its retries (without a cap on the wait, the fourth is 8 s).
  let seen = node.logs.length
  await server.p.kill()
  const retries = () => node.logs.slice(seen).filter((e) => e.retrySeconds !== undefined).length
  await until('four retries, the short run done', () => retries() >= 4 && existsSync(join(project, 'renders', 'shots', 'short', '0002.png')), { timeoutMs: 90_000 })
  t.ok(existsSync(join(project, 'renders', 'shots', 'short', '0002.png')), 'the node finished its run meanwhile')
  seen = node.logs.length
  server.p = await start()
  const back = performance.now()
  await until('the node rendering again', () => node.logs.slice(seen).some((e) => logMatches(e, { msg: 'rendering', jobName: 'slow' })), { timeoutMs: 60_000 })
  const seconds = (performance.now() - back) / 1000
  const waits = node.logs.flatMap((e) => typeof e.retrySeconds === 'number' ? [e.retrySeconds] : [])
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
  const { server, project, node, api, finished } = await restartableFarm(t, { longPollSeconds: 2 })
  const job = (await (await api())<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 12 })).body
  await node.waitForLog({ msg: 'rendering', jobName: 'slow', project: 'demo', frames: /^\[\d+,\d+/ })
  server.p.child.kill('SIGSTOP')
  // Its held request (long poll 2 s) gets no answer: given up after the long poll and a margin.
  await node.waitForLog({ level: 'warn', msg: 'trouble asking for work', reason: /^the server did not answer within \d+ s$/ }, 40_000)
  t.pass('the node noticed the frozen server')
  server.p.child.kill('SIGCONT')
  const done = await finished(job.id)
  t.equal(done.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), files(12))
  t.same(done.tasks!.flatMap((x) => x.samples!).map((x) => x.frame).sort((x, y) => x - y), frames(12), 'every frame once')
  t.same(node.logs.filter((e) => e.msg === 'run stopped' || /refuse/.test(e.msg)), [], 'the node kept its work: never told to stop')
  t.same(server.p.logs.filter((e) => logMatches(e, { msg: /^node given up/ })), [], 'the server never gave the node up')
  // Both logs tell each frame's story by its ids (JSON lines, read as they are by journald).
  const taskOf = new Map(done.tasks!.flatMap((task) => task.frames.map((f) => [f, task.id] as const)))
  for (const frame of frames(12)) {
    const said = server.p.logs.find((e) => logMatches(e, { level: 'info', msg: 'frame rendered', name: 'server', component: 'farm', job: job.id, project: 'demo', node: 'pc-a', frame }))
    t.equal(said?.task, taskOf.get(frame), `the server logged frame ${frame} with its job, task and node`)
  }
  t.ok(server.p.logs.some((e) => logMatches(e, { msg: 'job completed', job: job.id, project: 'demo', status: 'completed' })), 'and the job completed')
  const runs = node.logs.filter((e) => logMatches(e, { msg: 'rendering', name: 'node', job: job.id, project: 'demo', node: 'pc-a' }))
  t.same(runs.flatMap((e) => e.frames as number[]).sort((x, y) => x - y), frames(12), 'the node logged each run with its job, tasks and frames')
  t.ok(runs.every((e) => (e.tasks as string[]).every((id) => done.tasks!.some((task) => task.id === id)) && typeof e.blenderPid === 'number'), 'its tasks are the job\'s, its Blender named')
  // The node logs a run's end once the server has taken its done, which may be after the job
  // completed there: waited for, not looked up at once.
  await node.waitForLog({ msg: 'run finished', job: job.id, node: 'pc-a' }, 30_000)
  t.pass('and a run finished')
})

t.test('a node started before its server: tries every few seconds, connects soon after the server is up', async (t) => {
  const dir = testFolder(t, 'server')
  const port = await freePort()
  const configFile = writeTestConfig(dir, { port, demo: true, localNode: false })
  const config = loadConfig(configFile)
  const credential = await new FarmCredentialStore(config.secretsDir).create('test')
  const node = startNode(t, { server: `http://127.0.0.1:${port}`, credential, name: 'pc-a', shareRoot: config.shares.root('data'), processes: [0], extra: { readyBlender: false } })
  // No server for four of its tries (without a cap on the wait, the fourth is 8 s).
  const tries = () => node.logs.filter((e) => logMatches(e, { msg: 'trouble saying hello', retrySeconds: /./ }))
  await until('four tries', () => tries().length >= 4, { timeoutMs: 90_000 })
  await startServerProcess(configFile, { t })
  const up = performance.now()
  await node.waitForLog({ msg: 'connected to the server' }, 60_000)
  const seconds = (performance.now() - up) / 1000
  const waits = tries().map((e) => e.retrySeconds as number)
  t.ok(waits.length >= 3, `it tried again and again (${waits.join(', ')} s)`)
  t.ok(Math.max(...waits) <= 5.5, `no wait longer than a few seconds before it ever reached the server (longest ${Math.max(...waits)} s)`)
  t.ok(seconds < 15, `connected ${seconds.toFixed(1)} s after the server was up (the waits alone tell the old back-off apart)`)
  t.ok(tries().some((e) => e.reason === 'fetch failed (ECONNREFUSED)'), 'the log says why')
})
