// A render with missing pieces says so: a real .blend (made by real Blender) links a library and
// loads a texture, both taken away before it renders on a real node. Blender renders without them;
// the job says what was missing and what it lacks ("Rendered, but props/cake_lib.blend is missing:
// Cake is not in the picture."), and so do the asset's sidecar and the job's warnings. With the
// pieces back, the next render says every frame was rendered and the asset's warnings go.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset, JobView } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { farmWithScenes } from './harness.ts'
import { BLENDER, noBlender } from '../blend/blender-fixtures.ts'

t.test('a library and a texture gone: rendered, and the job, the asset and the warnings say what is missing', { skip: noBlender }, async (t) => {
  const { project, api, node, finished } = await farmWithScenes(t, [])
  execFileSync(BLENDER, ['-b', '--factory-startup', '--python-exit-code', '1', '--python', join(import.meta.dirname, 'make-linked.py'), '--', project], { stdio: 'pipe', timeout: 120_000 })
  const registered = await api('POST', '/api/projects/demo/assets', { name: 'Party', type: 'shot', path: 'shots/party.blend', register: true })
  t.equal(registered.status, 201, 'the shot is an asset')
  const away = (rel: string) => renameSync(join(project, rel), join(project, `${rel}.away`))
  const back = (rel: string) => renameSync(join(project, `${rel}.away`), join(project, rel))
  away('props/cake_lib.blend')
  away('textures/wood.png')
  await node('pc-a', [0])

  const sent = await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party.blend' })
  t.equal(sent.status, 201)
  t.match(sent.body, { frameStart: 1, frameEnd: 2, warnings: [{ code: 'missing-library', path: 'props/cake_lib.blend', message: /is missing: what it holds will not be in the picture/ }] }, 'the server\'s reader knew of the library before any Blender ran')

  const done = await finished(sent.body.id)
  t.equal(done.status, 'completed', 'Blender renders without them')
  t.equal(done.counts.done, 2)
  t.equal(done.message, 'Rendered, but 2 files it uses are missing (props/cake_lib.blend, textures/wood.png): the pictures lack what they hold. See the warnings.', 'not "Every frame was rendered."')
  const byPath = Object.fromEntries(done.warnings.map((w) => [w.path, w]))
  t.match(byPath['props/cake_lib.blend'], { code: 'missing-library', message: /^Rendered, but props\/cake_lib\.blend is missing: Cake is not in the picture\. Put it back where it was/ }, 'what the library held, as the node\'s Blender knew it')
  t.match(byPath['textures/wood.png'], { code: 'missing-file', message: /^Rendered, but the image textures\/wood\.png \(used by wood\.png\) is missing: what uses it looks wrong in the picture/ })
  t.equal(done.warnings.filter((w) => w.path === 'props/cake_lib.blend').length, 1, 'the library is said once')
  const sidecar = () => JSON.parse(readFileSync(join(project, 'shots', 'party.blend.json'), 'utf8')) as Asset
  await until('the asset keeps what its render missed', () => sidecar().renderWarnings?.length === 2)
  t.same(sidecar().renderWarnings!.map((w) => w.path).sort(), ['props/cake_lib.blend', 'textures/wood.png'])

  back('props/cake_lib.blend')
  back('textures/wood.png')
  const again = await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party.blend' })
  t.same(again.body.warnings, [], 'nothing missing now')
  const fine = await finished(again.body.id)
  t.equal(fine.status, 'completed')
  t.equal(fine.message, 'Every frame was rendered.')
  t.same(fine.warnings, [])
  await until('the asset\'s warnings are gone', () => sidecar().renderWarnings === undefined)
  t.pass('a render that missed nothing clears them')
})
