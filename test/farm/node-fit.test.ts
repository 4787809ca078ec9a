// Which node may render a job by its Blenders and devices (server/farm/node-fit.ts), as pure
// functions: versions, the Blender chosen, the device rule, and the sentence of a job no node can render.
import t from 'tap'
import {
  canOpen, cannotRender, chooseBlender, compareVersions, deviceFits, farmVersions, fitKey, fitNodeOf, fitOfKey, fitSignature,
  hasGpu, majorMinor, matchesPin, mayTake, nodeFits, runFields, UNKNOWN_BLENDER, type FitNode,
} from '../../server/farm/node-fit.ts'

const b34 = { path: '/usr/bin/blender', version: '3.4.1' }
const b36 = { path: '/opt/blender-3.6/blender', version: '3.6.5' }
const b42 = { path: '/opt/blender-4.2/blender', version: '4.2.0' }
const cpu = (...blenders: FitNode['blenders']): FitNode => ({ blenders, gpu: false })
const gpu = (...blenders: FitNode['blenders']): FitNode => ({ blenders, gpu: true })

t.test('versions: parts, major.minor, comparison on the parts both have', async (t) => {
  t.equal(majorMinor('3.4.1'), '3.4')
  t.equal(majorMinor('4.2'), '4.2')
  t.ok(compareVersions('3.4', '3.6') < 0)
  t.ok(compareVersions('3.10', '3.9') > 0, 'numbers, not text')
  t.equal(compareVersions('3.6', '3.6.5'), 0)
  t.ok(compareVersions('4.0.0', '3.6.9') > 0)
})

t.test('a Blender opens files of its own major.minor and older', async (t) => {
  t.ok(canOpen('3.4.1', '3.4'), 'same version, any patch')
  t.ok(canOpen('3.6.5', '3.4'))
  t.ok(canOpen('4.2.0', '3.6'))
  t.notOk(canOpen('3.4.1', '3.6'), 'older minor')
  t.notOk(canOpen('3.6.5', '4.2'), 'older major')
  t.notOk(canOpen('3.4.9', '3.5'))
})

t.test('a pin: major.minor pins every patch; major.minor.patch only that one', async (t) => {
  t.ok(matchesPin('3.6.5', '3.6'))
  t.ok(matchesPin('3.6.5', '3.6.5'))
  t.notOk(matchesPin('3.6.4', '3.6.5'))
  t.notOk(matchesPin('3.7.0', '3.6'))
  t.notOk(matchesPin('4.2.0', '3.6'), 'newer is not the pinned one')
})

t.test('the Blender chosen on a node', async (t) => {
  const all = [b42, b34, b36]
  t.same(chooseBlender(all, { blenderVersion: '3.4' }), b34, 'the oldest that opens the file')
  t.same(chooseBlender(all, { blenderVersion: '3.5' }), b36)
  t.same(chooseBlender(all, { blenderVersion: '4.2' }), b42)
  t.equal(chooseBlender(all, { blenderVersion: '4.3' }), null, 'none new enough')
  t.same(chooseBlender(all, {}), b42, 'file version unknown: the default (listed first)')
  t.same(chooseBlender(all, { blenderVersion: '3.4', blenderPin: '4.2' }), b42, 'the pin wins over the oldest fitting')
  t.same(chooseBlender(all, { blenderVersion: '4.2', blenderPin: '3.4' }), b34, 'a pin is the project\'s word, even for a newer file')
  t.equal(chooseBlender(all, { blenderPin: '3.5' }), null)
  t.equal(chooseBlender([], { blenderVersion: '9.9' }), UNKNOWN_BLENDER, 'a node that said nothing is not judged')
  t.equal(chooseBlender([], { blenderPin: '3.4' }), null, '…unless a version is pinned')
  t.same(chooseBlender([b36, { path: '/b', version: '3.6.1' }], { blenderVersion: '3.6' }), { path: '/b', version: '3.6.1' }, 'the oldest patch among equals')
})

t.test('devices: GPU jobs only on GPU nodes; other work on a GPU node only while no GPU job waits', async (t) => {
  t.notOk(hasGpu(undefined))
  t.notOk(hasGpu([{ type: 'CPU', count: 1 }]))
  t.ok(hasGpu([{ type: 'CPU', count: 1 }, { type: 'OPTIX', count: 2 }]))
  t.ok(hasGpu([{ type: 'METAL', count: 1 }]))
  t.ok(deviceFits('gpu', true))
  t.notOk(deviceFits('gpu', false))
  t.ok(deviceFits('cpu', true))
  t.ok(deviceFits('cpu', false))
  t.ok(deviceFits('any', false))
  t.ok(deviceFits(undefined, false), 'an older job: any')
  // mayTake(device, node has a GPU, a GPU job waits for it)
  const table: Array<[Parameters<typeof mayTake>[0], boolean, boolean, boolean]> = [
    ['gpu', true, true, true],
    ['gpu', true, false, true],
    ['gpu', false, true, false],
    ['gpu', false, false, false],
    ['cpu', false, true, true],
    ['cpu', false, false, true],
    ['cpu', true, false, true],
    ['cpu', true, true, false],
    ['any', true, true, false],
    ['any', true, false, true],
    ['any', false, true, true],
    [undefined, true, true, false],
  ]
  for (const [device, nodeGpu, waiting, want] of table) t.equal(mayTake(device, nodeGpu, waiting), want, `${device} on a ${nodeGpu ? 'GPU' : 'CPU'} node, GPU work ${waiting ? '' : 'not '}waiting`)
})

t.test('a node fits by Blender and device together', async (t) => {
  t.ok(nodeFits({ blenderVersion: '3.4', device: 'gpu' }, gpu(b34)))
  t.notOk(nodeFits({ blenderVersion: '3.4', device: 'gpu' }, cpu(b34)))
  t.notOk(nodeFits({ blenderVersion: '4.2', device: 'gpu' }, gpu(b34)))
  t.ok(nodeFits({ blenderVersion: '4.2', device: 'cpu' }, gpu(b34, b42)))
})

t.test('what a run tells the node: the chosen Blender and the device', async (t) => {
  t.same(runFields({ blenderVersion: '3.4' }, cpu(b42, b34)), { device: 'any', blender: { path: b34.path, version: b34.version } })
  t.same(runFields({ blenderPin: '4.2', device: 'cpu' }, cpu(b34, b42)), { device: 'cpu', blender: { path: b42.path, version: b42.version } })
  t.same(runFields({ blenderVersion: '3.4' }, cpu()), { device: 'any' }, 'a node that said nothing runs its default')
})

t.test('an older node said only its one Blender version; devices default to a CPU', async (t) => {
  t.same(fitNodeOf({ blenderVersion: '3.4.1' }), { blenders: [{ path: '', version: '3.4.1' }], gpu: false })
  t.same(fitNodeOf({}), { blenders: [], gpu: false })
  t.same(fitNodeOf({ blenders: [b36], devices: [{ type: 'HIP', count: 1 }] }), { blenders: [b36], gpu: true })
})

t.test('the fit key of a job group reads back', async (t) => {
  for (const job of [{}, { blenderVersion: '3.4' }, { blenderPin: '3.6.5', device: 'gpu' as const }, { blenderVersion: '4.2', device: 'cpu' as const }]) {
    t.same(fitOfKey(fitKey(job)), { device: 'any', ...job })
  }
  t.same(fitOfKey(undefined), { device: 'any' })
})

t.test('the sentence of a job no node can render', async (t) => {
  const farm = [cpu(b34), cpu(b36), cpu(b34, b36)]
  t.same(farmVersions(farm), ['3.4', '3.6'])
  const said = cannotRender({ blenderVersion: '4.2' }, farm)
  t.equal(said?.text, 'Saved with Blender 4.2; the farm has 3.4 and 3.6. Save it with 3.6 (or ask for a node with 4.2).')
  t.same(said?.sentence, { key: 'job:cannot-render-version', params: { saved: '4.2', farm: '3.4', last: '3.6' } })
  t.equal(cannotRender({ blenderVersion: '4.2' }, [cpu(b34), cpu(b36), cpu({ path: '/c', version: '3.5.0' })])?.text, 'Saved with Blender 4.2; the farm has 3.4, 3.5 and 3.6. Save it with 3.6 (or ask for a node with 4.2).')
  t.equal(cannotRender({ blenderVersion: '3.6' }, [cpu(b34)])?.text, 'Saved with Blender 3.6; the farm has only 3.4. Save it with 3.4 (or ask for a node with 3.6).')
  t.equal(cannotRender({ blenderVersion: '3.6' }, farm), null, 'a node can')
  t.equal(cannotRender({ blenderVersion: '4.2' }, []), null, 'no nodes: nothing to judge')
  t.equal(cannotRender({ blenderVersion: '4.2' }, [cpu(), cpu(b34)]), null, 'a node that said nothing may have it')
  t.match(cannotRender({ blenderPin: '3.5', blenderVersion: '3.4' }, farm)?.text, /^The project renders only with Blender 3\.5; the farm has 3\.4 and 3\.6\./)
  t.match(cannotRender({ device: 'gpu' }, farm)?.text, /asks for a graphics card \(GPU\), but no render node has one/)
  t.equal(cannotRender({ device: 'gpu', blenderVersion: '3.4' }, [...farm, gpu(b34)]), null)
  t.equal(cannotRender({ device: 'gpu', blenderVersion: '3.6' }, [...farm, gpu(b34)])?.text, 'Saved with Blender 3.6; the farm has only 3.4. Save it with 3.4 (or ask for a node with 3.6).', 'only the GPU nodes\' Blenders count for a GPU job')
})

t.test('the pool signature changes only with what decides a fit', async (t) => {
  t.equal(fitSignature([cpu(b34), gpu(b36)]), fitSignature([gpu(b36), cpu(b34)]), 'order does not matter')
  t.not(fitSignature([cpu(b34)]), fitSignature([cpu(b34), cpu(b42)]))
  t.not(fitSignature([cpu(b34)]), fitSignature([gpu(b34)]))
})
