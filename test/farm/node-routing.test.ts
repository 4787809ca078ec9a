// The farm routes jobs by Blender version and device (node-fit.ts through the scheduler): the file's
// version read from its header, the project's pin, GPU jobs, GPU nodes taking other work only when
// no GPU job waits, and the job that no node can render saying so (and stopping saying so).
import t from 'tap'
import { hello, makeFarm, workNow } from './farm-helpers.ts'

const real = { path: '/usr/bin/blender', version: '3.4.1' }
const newer = { path: '/opt/wrapper/blender-4.2', version: '4.2.0' }
const mid = { path: '/opt/blender-3.6/blender', version: '3.6.5' }

t.test('a file saved by a Blender newer than every node: no node gets it, the job says why, until a node that can comes', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'new.blend', '402')
  const old = await hello(farm, 'old', { blenders: [real] })
  const older = await hello(farm, 'older', { blenders: [mid] })
  const job = await farm.createJob('red', { file: 'new.blend', frameStart: 1, frameEnd: 4 })
  t.equal(farm.jobFile(job.id)!.blenderVersion, '4.2', 'the version comes from the file\'s header')
  t.equal(job.cannotRender?.message, 'Saved with Blender 4.2; the farm has 3.4 and 3.6. Save it with 3.6 (or ask for a node with 4.2).')
  t.same(job.cannotRender?.sentence, { key: 'job:cannot-render-version', params: { saved: '4.2', farm: '3.4', last: '3.6' } })
  t.same((await workNow(farm, old)).runs, [], 'a 3.4 node gets nothing of it')
  t.same((await workNow(farm, older)).runs, [], 'nor a 3.6 one')
  t.equal(farm.getJob('red', job.id).status, 'queued', 'the job waits, it does not fail')
  const both = await hello(farm, 'both', { blenders: [real, newer] })
  t.notOk(farm.getJob('red', job.id).cannotRender, 'a node with 4.2 came: nothing to say')
  const w = await workNow(farm, both)
  t.equal(w.runs.length, 1)
  t.same(w.runs[0]!.blender, { path: newer.path, version: '4.2.0' }, 'the run names the node\'s 4.2')
  t.equal(w.runs[0]!.device, 'any')
})

t.test('the project\'s pin picks the Blender: 4.2 goes to the 4.2 path, 3.4 to the real one, a missing one nowhere', async (t) => {
  const runOf = async (pin: string | undefined) => {
    const { farm, blend, projects } = await makeFarm(t)
    blend('red', 'a.blend')
    if (pin) projects.get('red')!.blenderVersion = pin
    const both = await hello(farm, 'both', { blenders: [real, newer] })
    const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1 })
    t.equal(job.blenderVersion, '3.4')
    t.equal(job.blenderPin, pin)
    return { job, run: (await workNow(farm, both)).runs[0] }
  }
  t.same((await runOf(undefined)).run?.blender, { path: real.path, version: real.version }, 'unpinned: the oldest that opens the file')
  t.same((await runOf('4.2')).run?.blender, { path: newer.path, version: '4.2.0' }, 'pinned 4.2: the 4.2 path')
  t.same((await runOf('3.4.1')).run?.blender, { path: real.path, version: real.version }, 'pinned 3.4.1: the real one')
  const missing = await runOf('3.5')
  t.equal(missing.run, undefined, 'pinned 3.5: no node')
  t.match(missing.job.cannotRender?.message, /^The project renders only with Blender 3\.5; the farm has 3\.4 and 4\.2\./)
})

t.test('devices: GPU jobs only to GPU nodes, which take other work only when no GPU job waits', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'cpu.blend')
  blend('red', 'gpu.blend')
  blend('red', 'any.blend')
  const cpuNode = await hello(farm, 'cpu', { blenders: [real] })
  const gpuNode = await hello(farm, 'gpu', { blenders: [real], devices: [{ type: 'OPTIX', count: 2 }, { type: 'CPU', count: 1 }] })
  const gpuJob = await farm.createJob('red', { file: 'gpu.blend', frameStart: 1, frameEnd: 2, device: 'gpu', priority: 0 })
  t.equal(gpuJob.device, 'gpu')
  t.notOk(gpuJob.cannotRender)
  // The CPU job is more urgent, yet the GPU node takes the GPU job.
  const cpuJob = await farm.createJob('red', { file: 'cpu.blend', frameStart: 1, frameEnd: 50, device: 'cpu', priority: 99 })
  const anyJob = await farm.createJob('red', { file: 'any.blend', frameStart: 1, frameEnd: 50, priority: 98 })
  t.equal(anyJob.device, 'any')
  const g1 = await workNow(farm, gpuNode)
  t.equal(g1.runs[0]?.job, gpuJob.id, 'the GPU node takes the GPU job first')
  t.equal(g1.runs[0]?.device, 'gpu')
  const c1 = await workNow(farm, cpuNode, { free: 3 })
  t.notOk(c1.runs.some((r) => r.job === gpuJob.id), 'a CPU node never gets the GPU job')
  t.ok(c1.runs.length > 0)
  // The GPU job's frames are all handed out: nothing GPU waits, so the GPU node helps with the rest.
  const left = farm.getJob('red', gpuJob.id).counts.queued
  t.equal(left, 0, 'every GPU frame went out in the first run')
  const g2 = await workNow(farm, gpuNode, { free: 1, running: g1.runs.map((r) => ({ job: r.job, tasks: r.tasks })) })
  t.ok(g2.runs.length === 1 && [cpuJob.id, anyJob.id].includes(g2.runs[0]!.job), 'then it takes CPU work')
})

t.test('a GPU job on a farm without a GPU says so', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'a.blend')
  const n = await hello(farm, 'cpu', { blenders: [real] })
  const job = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1, device: 'gpu' })
  t.match(job.cannotRender?.message, /asks for a graphics card \(GPU\), but no render node has one/)
  t.same((await workNow(farm, n)).runs, [])
  const done = await farm.createJob('red', { file: 'a.blend', frameStart: 1, frameEnd: 1, output: 'renders/x/####' })
  t.notOk(done.cannotRender, 'a job of any device is fine')
})

t.test('nodes that say nothing of their Blenders (older nodes) take every job, as before', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'new.blend', '402')
  const n = await hello(farm, 'old-style')
  const job = await farm.createJob('red', { file: 'new.blend', frameStart: 1, frameEnd: 1 })
  t.notOk(job.cannotRender)
  const w = await workNow(farm, n)
  t.equal(w.runs[0]?.job, job.id)
  t.notOk(w.runs[0]?.blender, 'it runs its own default')
})

t.test('the sentence follows the nodes: it comes when the only fitting node leaves (the page test sees it go live)', async (t) => {
  const { farm, blend } = await makeFarm(t)
  blend('red', 'new.blend', '402')
  await hello(farm, 'old', { blenders: [real] })
  const both = await hello(farm, 'both', { blenders: [real, newer] })
  const job = await farm.createJob('red', { file: 'new.blend', frameStart: 1, frameEnd: 1, paused: true })
  t.notOk(job.cannotRender, 'a node with 4.2 is there')
  await farm.bye({ node: both.name, session: both.session }, both.cred)
  t.equal(farm.getJob('red', job.id).cannotRender?.message, 'Saved with Blender 4.2; the farm has only 3.4. Save it with 3.4 (or ask for a node with 4.2).')
})
