// A node keeps its Blender open with the file loaded between runs of the same file (real Blender,
// a real server): the next run starts at once in the same process, a file saved again is read
// again there; another output or keepBlenderSeconds 0 get a fresh Blender; an idle one closes.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { blendersOf, copyScene, farmWithScenes, isAlive, waitingForWork } from './harness.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'

t.test('runs of the same file share one open Blender, which reads a file saved again; another output gets a new one', async (t) => {
  const { project, api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend'])
  const node = await startNode('pc-a', [1], { keepBlenderSeconds: 3 })
  const render = async (body: object) => {
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', ...body })).body
    t.equal((await finished(job.id)).status, 'completed', `${JSON.stringify(body)} completed`)
    return node.blenderPids()
  }

  const first = await render({ frameStart: 1, frameEnd: 3 })
  t.equal(first.length, 1, 'one Blender for the first job')
  const second = await render({ frameStart: 4, frameEnd: 6 })
  t.equal(second.length, 2)
  t.equal(second[1], second[0], 'the next job of the same file ran in the Blender already open')
  t.ok(node.logs.some((e) => logMatches(e, { msg: 'rendering', jobName: 'tiny', project: 'demo', frames: [4, 5, 6], blender: 'open' })), 'the log says so')
  t.same(readdirSync(join(project, 'renders', 'shots', 'tiny')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'], 'every frame written to its own file')

  // Saved again, now writing OpenEXR: the open Blender reads the file again before the next job.
  copyScene('exr.blend', join(project, 'shots'), 'tiny.blend')
  const saved = await render({ frameStart: 7, frameEnd: 8 })
  t.equal(saved.at(-1), second[0], 'the same Blender')
  t.same(readdirSync(join(project, 'renders', 'shots', 'tiny')).filter((f) => f.startsWith('000')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png', '0007.exr', '0008.exr'], 'the file as saved now was rendered, not the copy loaded before')

  const other = await render({ frameStart: 1, frameEnd: 2, output: 'renders/other/####' })
  t.not(other.at(-1), second[0], 'another output path: a new Blender')
  t.notOk(isAlive(second[0]!), 'the Blender of the other output was closed')
  t.same(readdirSync(join(project, 'renders', 'other')).filter((f) => !f.startsWith('.')).sort(), ['0001.exr', '0002.exr'])

  await until('the idle Blender closing', () => !isAlive(other.at(-1)!), { timeoutMs: 30_000 })
  t.pass('an idle Blender closes by itself after keepBlenderSeconds')
})

t.test('keepBlenderSeconds 0: a Blender per run', async (t) => {
  const { api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend'])
  const node = await startNode('pc-b', [1], { keepBlenderSeconds: 0 })
  for (const [start, end] of [[1, 2], [3, 4]]) {
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: start, frameEnd: end })).body
    t.equal((await finished(job.id)).status, 'completed')
  }
  const pids = node.blenderPids()
  if (!t.equal(new Set(pids).size, pids.length, 'each run started its own Blender')) t.comment(node.lines.join('\n'))
  await until('no Blender left open', () => !pids.some(isAlive), { timeoutMs: 10_000 })
  t.pass('none is left open')
})

t.test('an idle Blender holding another file is closed when a new file starts', async (t) => {
  const { api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend', 'exr.blend'])
  const node = await startNode('pc-c', [1, 1], { keepBlenderSeconds: 600 })
  const tiny = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 2 })).body
  t.equal((await finished(tiny.id)).status, 'completed')
  const open = node.blenderPids()
  t.equal(open.length, 2, 'one Blender per process, both kept open')
  t.ok(open.every(isAlive))
  const exr = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/exr.blend', frameStart: 1, frameEnd: 1 })).body
  t.equal((await finished(exr.id)).status, 'completed')
  await until('the idle Blenders of tiny.blend closing', () => !open.some(isAlive), { timeoutMs: 10_000 })
  t.pass('both idle Blenders of the other file were closed, long before keepBlenderSeconds')
})

t.test('a Blender started ahead of work takes the next job of its place without a start-up', async (t) => {
  const { s, project, api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend'])
  const node = await startNode('pc-d', [1], { keepBlenderSeconds: 1 })
  // In a sandbox a Blender sees only what it was started for: none is started before the first job
  // (a node starts its Blenders ahead when it connects, before it asks for work).
  await waitingForWork(s.app.farm, 'pc-d')
  t.notOk(node.logs.some((e) => e.msg === 'Blender ready') || blendersOf(node.proc.pid!).length > 0, 'no Blender started ahead before a job says where')
  const first = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 3 })).body
  t.equal((await finished(first.id)).status, 'completed')
  // Idle again: the file's Blender closes after keepBlenderSeconds and an empty one is started for the same place.
  const ready = await node.waitForLog({ msg: 'Blender ready', slot: 1 }, 30_000)
  t.notOk(isAlive(node.blenderPids()[0]!), 'the first job\'s Blender closed')
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 4, frameEnd: 6 })).body
  t.equal((await finished(job.id)).status, 'completed')
  t.equal(node.blenderPids().at(-1), ready.blenderPid, 'the job ran in the Blender started ahead for its project and output folder')
  t.ok(node.logs.some((e) => logMatches(e, { msg: 'rendering', frames: [4, 5, 6], blender: 'ahead' })), 'the log says so')
  t.same(readdirSync(join(project, 'renders', 'shots', 'tiny')).sort(), ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png'])
  await until('a new ready Blender', () => node.logs.filter((e) => logMatches(e, { msg: 'Blender ready', slot: 1 })).length >= 2, { timeoutMs: 30_000 })
  const other = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 1, output: 'renders/elsewhere/####' })).body
  t.equal((await finished(other.id)).status, 'completed')
  t.ok(node.logs.some((e) => logMatches(e, { msg: 'rendering', frames: [1], blender: 'new' })), 'a job writing another folder gets a Blender of its own sandbox')
})
