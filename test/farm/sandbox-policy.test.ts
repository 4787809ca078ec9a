// Nodes that cannot keep Blender in a sandbox (farmSettings.allowUnsandboxedNodes): by default they
// stay connected, are listed with their reason, are told why in the welcome, and get no work (nor
// count as nodes that could take a job); with the setting on they render like any other node. The
// farm service alone, with a manual clock.
import t from 'tap'
import { farmWithJob, hello, makeFarm, workNow } from './farm-helpers.ts'

const none = { kind: 'none' as const, reason: 'bubblewrap cannot run here: No permissions to create a new namespace.' }

t.test('by default a node without a sandbox gets no work and the list says why', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'shots/a.blend')
  await farm.createJob('red', { file: 'shots/a.blend', frameStart: 1, frameEnd: 4 })
  const bare = await hello(farm, 'pc-bare', { sandbox: none })
  t.match(bare.welcome.noWork, /cannot keep Blender in a sandbox/, 'the welcome tells the node why it will idle')
  const old = await hello(farm, 'pc-old', { sandbox: null })
  const w1 = await workNow(farm, bare)
  t.same(w1.runs, [], 'no work for a node without a sandbox')
  const w2 = await workNow(farm, old)
  t.same(w2.runs, [], 'nor for a node too old to say (taken as having none)')

  const list = farm.listNodes()
  t.equal(list.allowUnsandboxedNodes, false)
  t.same(list.nodes.find((n) => n.name === 'pc-bare')!.sandbox, none, 'the reason as the node gave it')
  t.match(list.nodes.find((n) => n.name === 'pc-old')!.sandbox, { kind: 'none', reason: /does not say/ })

  const boxed = await hello(farm, 'pc-boxed')
  t.notOk(boxed.welcome.noWork)
  const w3 = await workNow(farm, boxed)
  t.same(w3.runs.map((r) => r.frames[0]), [1], 'a sandboxed node takes the job')
  t.equal(w3.runs[0]!.projectDir, 'data::red', 'and is told the project folder it may read')
  t.same(list.nodes.find((n) => n.name === 'pc-old')!.shares, ['data'], 'the record keeps what the node said')
})

t.test('a job is not held back for nodes that get no work', async (t) => {
  const { farm, job } = await farmWithJob(t, 1, { settings: { maxRetries: 5, blocklistAfter: 1 } })
  await hello(farm, 'pc-bare', { sandbox: none })
  const a = await hello(farm, 'pc-a')
  const w = await workNow(farm, a)
  await farm.failed({ node: a.name, session: a.session, job: job.id, tasks: w.runs[0]!.tasks, frames: [], exitCode: 1, signal: null, message: 'broken', logTail: '' }, a.cred)
  t.equal(farm.getJob('red', job.id).status, 'failed', 'the only node that could render it is blocklisted: the job fails instead of waiting for the unsandboxed one')
})

t.test('with allowUnsandboxedNodes a node without a sandbox renders', async (t) => {
  const { farm, blend } = await makeFarm(t, { settings: { allowUnsandboxedNodes: true } })
  blend('red', 'shots/a.blend')
  await farm.createJob('red', { file: 'shots/a.blend', frameStart: 1, frameEnd: 2 })
  const bare = await hello(farm, 'pc-bare', { sandbox: none })
  t.notOk(bare.welcome.noWork)
  const w = await workNow(farm, bare)
  t.same(w.runs.map((r) => r.frames), [[1, 2]])
  t.equal(farm.listNodes().allowUnsandboxedNodes, true)
})

t.test('the setting is read again after a restart: records on disk keep the sandbox', async (t) => {
  const { farm, restart } = await makeFarm(t)
  await hello(farm, 'pc-bare', { sandbox: none })
  await farm.close()
  const again = await restart()
  t.same(again.listNodes().nodes[0]!.sandbox, none)
})
