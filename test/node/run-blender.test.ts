// Which of a node's Blenders runs a run, and on what device (node/run-blender.ts), from its
// configuration (blenders, devices): the server names the Blender, but a path the node was not
// configured with is refused; a GPU type from the node's devices for 'gpu' and 'any', the CPU for
// 'cpu'; an older server's run leaves the file's device alone. And what hello says of them.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask } from '../../schemas/generated/types.ts'
import { loadNodeConfig } from '../../node/config.ts'
import { helloBlenders, runBlender } from '../../node/run-blender.ts'
import { PlaceRefused } from '../../node/job-place.ts'
import { sessionArgs, videoArgs } from '../../node/blender-args.ts'
import { sessionKey } from '../../node/blender-session.ts'
import { testFolder } from '../helpers/folders.ts'

const task = (extra: Partial<FarmTask> = {}): FarmTask => ({ job: '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b', tasks: ['t1'], name: 'Shot', project: 'red', file: 'data::red/a.blend', output: 'data::red/renders/a/####', frames: [1], frameStep: 1, video: false, ...extra })

function config (t: Parameters<typeof testFolder>[0], extra: object) {
  const file = join(testFolder(t, 'node'), 'node.json')
  writeFileSync(file, JSON.stringify({ server: 'http://farm', credential: 'c', shares: [], ...extra }))
  return loadNodeConfig(file)
}

t.test('configuration: one Blender and a CPU unless it lists more', async (t) => {
  const plain = config(t, {})
  t.same([plain.blender, plain.blenders, plain.devices], ['blender', ['blender'], [{ type: 'CPU', count: 1 }]])
  t.same(config(t, { blender: '/opt/b/blender' }).blenders, ['/opt/b/blender'], 'the old "blender" setting still works')
  const two = config(t, { blenders: [{ path: 'blender' }, { path: '/opt/blender-4.2/blender' }], devices: [{ type: 'OPTIX', count: 2 }, { type: 'CPU', count: 1 }] })
  t.equal(two.blender, 'blender', 'the first is the default')
  t.same(two.blenders, ['blender', '/opt/blender-4.2/blender'])
  t.throws(() => config(t, { devices: [{ type: 'TPU', count: 1 }] }), { message: /\/devices\/0\/type must be one of "CPU", "CUDA", "OPTIX", "HIP", "ONEAPI", "METAL"/ }, 'an unknown device type is refused at start')
  t.throws(() => config(t, { devices: [{ type: 'CUDA', count: 0 }] }), { message: /count must be >= 1/ })
})

t.test('the run\'s Blender: the one the server names, if the node has it', async (t) => {
  const c = config(t, { blenders: [{ path: 'blender' }, { path: '/opt/blender-4.2/blender' }] })
  t.same(runBlender(task(), c), { blender: 'blender', device: null }, 'an older server names none: the default, the file\'s device')
  t.same(runBlender(task({ blender: { path: '/opt/blender-4.2/blender', version: '4.2.0' }, device: 'any' }), c), { blender: '/opt/blender-4.2/blender', device: 'CPU' })
  const err = t.throws(() => runBlender(task({ blender: { path: '/tmp/evil.sh', version: '4.2.0' } }), c)) as Error
  t.ok(err instanceof PlaceRefused, 'a Blender the node was not configured with is refused, never run')
  t.match(err.message, /asked for Blender 4\.2\.0 at \/tmp\/evil\.sh, which this node does not have/)
})

t.test('the run\'s device from the job\'s and the node\'s', async (t) => {
  const gpu = config(t, { devices: [{ type: 'CPU', count: 1 }, { type: 'HIP', count: 1 }] })
  const cpu = config(t, {})
  t.equal(runBlender(task({ device: 'gpu' }), gpu).device, 'HIP')
  t.equal(runBlender(task({ device: 'any' }), gpu).device, 'HIP', 'any: the GPU where the node has one')
  t.equal(runBlender(task({ device: 'cpu' }), gpu).device, 'CPU')
  t.equal(runBlender(task({ device: 'any' }), cpu).device, 'CPU')
  t.same(sessionArgs(null, false, 'HIP').device, 'HIP', 'the session is told')
  t.notOk('device' in sessionArgs(null, false, null), 'nothing said: the file decides')
  t.equal(videoArgs(false, { project: '/p', outputDir: '/p/o', outputShown: 'o/' }, 'CPU').device, 'CPU', 'a video run too')
  const paths = { file: '/p/a.blend', output: '/p/o/####' }
  t.not(sessionKey(paths, false, 'j', { blender: 'blender', device: 'CPU' }), sessionKey(paths, false, 'j', { blender: 'blender', device: 'HIP' }), 'another device needs another Blender')
  t.not(sessionKey(paths, false, 'j', { blender: 'blender', device: null }), sessionKey(paths, false, 'j', { blender: '/opt/b', device: null }), 'so does another Blender')
})

t.test('hello says every Blender with the node\'s devices', async (t) => {
  const c = config(t, { devices: [{ type: 'OPTIX', count: 2 }] })
  const blenders = [{ path: 'blender', version: '3.4.1' }]
  t.same(helloBlenders({ blenderVersion: '3.4.1', blenders }, c), { blenderVersion: '3.4.1', blenders, devices: [{ type: 'OPTIX', count: 2 }] })
  t.same(helloBlenders({}, c), {}, 'nothing known, nothing said')
})
