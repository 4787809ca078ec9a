// A node with two Blenders (issue 14 item 2): the real 3.4 and a wrapper script that says it is
// 4.2 (and runs the real one). The server sends each job to the Blender it needs: a project pinned
// to 4.2 renders with the wrapper, one pinned to 3.4.1 with the real one; a file whose header says
// a Blender newer than every node's waits and says why, never handed out. Devices (item 3) as far
// as this machine allows: a CPU job renders with Cycles set to the CPU; a GPU job on a node that
// claims an OptiX card it lacks fails with the device named.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { farmWithScenes } from './harness.ts'
import { testFolder } from '../helpers/folders.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'

/** A Blender that says it is 4.2.0 when asked its version, and is the real one otherwise. */
function wrapper (t: Parameters<typeof testFolder>[0]): string {
  const file = join(testFolder(t, 'blender-4.2'), 'blender')
  writeFileSync(file, '#!/bin/sh\nfor a in "$@"; do [ "$a" = --version ] && { echo "Blender 4.2.0"; exit 0; }; done\nexec blender "$@"\n', { mode: 0o755 })
  return file
}

t.test('a node with Blender 3.4 and "4.2": pins pick the Blender, a file newer than both waits and says so', async (t) => {
  const { s, project, api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend'])
  // The same scene, its header saying Blender 4.5 saved it.
  const bytes = readFileSync(join(project, 'shots', 'tiny.blend'))
  t.equal(bytes.subarray(0, 12).toString('latin1'), 'BLENDER-v304', 'a real Blender 3.4 file')
  bytes.write('405', 9, 'latin1')
  writeFileSync(join(project, 'shots', 'future.blend'), bytes)
  const fake = wrapper(t)
  const node = await startNode('two-blenders', [1], { blenders: [{ path: 'blender' }, { path: fake }], devices: [{ type: 'CPU', count: 1 }] })

  const nodes = (await api<{ nodes: Array<{ name: string, blenders: Array<{ path: string, version: string, engines?: string[], devices?: string[] }> }> }>('GET', '/api/farm/nodes')).body.nodes
  const said = nodes.find((n) => n.name === 'two-blenders')!.blenders
  t.same(said.map((b) => [b.path, b.version]), [['blender', '3.4.1'], [fake, '4.2.0']], 'the node reports both, each with the version it says')
  t.ok(said[0]!.engines?.includes('CYCLES'), 'with its engines')
  t.same(said[0]!.devices, ['CPU'], 'and the Cycles devices Blender finds here')

  const pin = (version: string | undefined) => {
    const file = join(s.config.projectsDir, 'demo.json')
    const { blenderVersion: _, ...record } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    writeFileSync(file, JSON.stringify(version ? { ...record, blenderVersion: version } : record))
    s.app.rfam.workspace.projects.reload()
  }
  const render = async (pinned: string | undefined, frame: number) => {
    pin(pinned)
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: frame, frameEnd: frame, device: 'cpu' })).body
    t.equal(job.blenderVersion, '3.4')
    const done = await finished(job.id)
    t.equal(done.status, 'completed', `pinned ${pinned ?? 'nothing'}: rendered`)
    return node.logs.find((e) => logMatches(e, { msg: 'rendering', job: job.id }))
  }
  t.match(await render('4.2', 1), { executable: fake, device: 'CPU' }, 'pinned 4.2: the wrapper ran it, Cycles on the CPU')
  t.match(await render('3.4.1', 2), { executable: 'blender' }, 'pinned 3.4.1: the real one')
  t.match(await render(undefined, 3), { executable: 'blender' }, 'nothing pinned: the oldest that opens the file')

  const future = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/future.blend', frameStart: 1, frameEnd: 1 })).body
  t.equal(future.blenderVersion, '4.5', 'the version from the patched header')
  t.equal(future.cannotRender?.message, 'Saved with Blender 4.5; the farm has 3.4 and 4.2. Save it with 4.2 (or ask for a node with 4.5).')
  // The node keeps asking for work and gets none of it; the job waits, saying why.
  const polls = s.app.farm.registry.nodes.get('two-blenders')!.polls
  await until('two more requests for work', () => s.app.farm.registry.nodes.get('two-blenders')!.polls >= polls + 2, { timeoutMs: 60_000 })
  const still = (await api<JobView>('GET', `/api/projects/demo/jobs/${future.id}`)).body
  t.equal(still.status, 'queued')
  t.same(still.nodes, [])
  t.notOk(node.logs.some((e) => logMatches(e, { msg: 'rendering', job: future.id })), 'never handed out')
})

t.test('a GPU job on a node whose configuration claims an OptiX card this machine lacks fails, naming it', async (t) => {
  const { api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend'], { maxRetries: 0, blocklistAfter: 1 })
  await startNode('fake-gpu', [1], { devices: [{ type: 'OPTIX', count: 1 }, { type: 'CPU', count: 1 }] })
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 1, device: 'gpu' })).body
  t.notOk(job.cannotRender, 'the node says it has a GPU')
  const done = await finished(job.id)
  t.equal(done.status, 'failed')
  t.match(done.lastFailure?.message, /cannot render on OPTIX devices; fix 'devices' in the node's configuration/)
})
