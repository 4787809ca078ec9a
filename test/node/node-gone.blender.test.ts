// A killed node is noticed in seconds (issue 16 item 5): real server, two real nodes, real
// Blender, the default node timeout (60 s). pc-a renders a job, pc-b waits idle; pc-a is killed
// (SIGKILL) mid-run. Its held work request closes with it, so the server gives it up after
// nodeGoneSeconds (5 s) and pc-b takes what was left at once, not after the 60 s timeout.
// Then the job completes with every frame exactly once.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { farmWithScenes } from './harness.ts'
import { until } from '../helpers/until.ts'
import { logMatches, type LogEntry } from '../helpers/logs.ts'

t.test('a node killed mid-run with another idle: its frames render on the idle node within seconds', async (t) => {
  const { s, project, api, node, finished } = await farmWithScenes(t, ['slow.blend'])
  t.equal(s.app.farm.settings.nodeTimeoutSeconds, 60, 'the default node timeout')
  const warnings: LogEntry[] = []
  const log = s.app.farm.deps.log
  const warn = log.warn.bind(log)
  log.warn = (fields, msg) => { warnings.push({ ...fields, level: 'warn', msg }); warn(fields, msg) }
  const a = await node('pc-a', [0])
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 10 })).body
  const view = () => api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`).then((r) => r.body)
  // pc-a alone takes frame 1, then the rest in one run; pc-b joins only then, with nothing to do.
  await a.waitForLog({ msg: 'rendering', jobName: 'slow', project: 'demo', frames: /^\[\d+,\d+/ })
  const b = await node('pc-b', [0])
  await until('three frames written', async () => (await view()).counts.done >= 3, { timeoutMs: 180_000 })
  t.notOk(b.logs.some((e) => logMatches(e, { msg: 'rendering', jobName: 'slow' })), 'pc-b is idle')

  const seen = b.logs.length
  const killed = performance.now()
  a.proc.kill('SIGKILL')
  await until('pc-b rendering pc-a\'s frames', () => b.logs.slice(seen).some((e) => logMatches(e, { msg: 'rendering', jobName: 'slow' })), { timeoutMs: 90_000 })
  const seconds = (performance.now() - killed) / 1000
  t.ok(seconds < 30, `pc-b rendered pc-a's frames ${seconds.toFixed(1)} s after the kill (the node timeout is 60 s)`)
  t.ok(warnings.some((w) => logMatches(w, { msg: /^node given up/, node: 'pc-a', reason: /^closed its request for work and sent nothing for 5 s/ })), 'the server says why it gave pc-a up')

  const done = await finished(job.id)
  t.equal(done.status, 'completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), Array.from({ length: 10 }, (_, i) => `${String(i + 1).padStart(4, '0')}.png`))
  const samples = done.tasks!.flatMap((x) => x.samples!)
  t.same(samples.map((x) => x.frame).sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i + 1), 'every frame once: none rendered twice')
  t.ok(samples.some((x) => x.node === 'pc-b'), 'pc-b rendered what pc-a left')
  const nodes = (await api<{ nodes: Array<{ name: string, online: boolean }> }>('GET', '/api/farm/nodes')).body.nodes
  t.same(nodes.map((n) => [n.name, n.online]), [['pc-a', false], ['pc-b', true]], 'the dead node shows offline')
})

t.test('live nodes that end runs and ask again all the time are never taken as gone', async (t) => {
  const { s, api, node, finished } = await farmWithScenes(t, ['tiny.blend'])
  const warnings: LogEntry[] = []
  const log = s.app.farm.deps.log
  const warn = log.warn.bind(log)
  log.warn = (fields, msg) => { warnings.push({ ...fields, level: 'warn', msg }); warn(fields, msg) }
  const a = await node('pc-a', [1, 1])
  const b = await node('pc-b', [1])
  // Many small jobs: every run's end gives a held poll up and asks again.
  const ids: string[] = []
  for (let i = 0; i < 6; i++) ids.push((await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 6 })).body.id)
  for (const id of ids) t.equal((await finished(id)).status, 'completed')
  // (Only give-ups count: the six jobs share one output folder, so a frame file can be found
  // emptied by another job's Blender, which the server rightly warns about.)
  t.same(warnings.filter((w) => logMatches(w, { msg: /^node given up/ })), [], 'no node given up')
  t.same([...a.logs, ...b.logs].filter((e) => logMatches(e, { msg: 'run stopped' })), [], 'no node told to stop')
})
