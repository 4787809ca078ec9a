// Choosing what a render job renders on, from Blender: real Blender opens props/cake.blend of the demo,
// installs the add-on from the built zip, logs in as Mia and blender-addon/tests/test_device.py sends
// the file with "GPU only", "CPU only" and "Any" chosen in the panel, while one render node without a
// graphics card is connected: the GPU job says in the panel why no node can render it. This side then
// checks the jobs on the server.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { startNode } from '../node/harness.ts'
import { buildAddon } from '../../scripts/build-addon.ts'
import { schemaDir } from '../../schemas/load.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { noBlender, runTestScript } from './in-blender.ts'

t.test('the device a render asks for, chosen in the panel', { skip: noBlender }, async (t) => {
  const work = testFolder(t, 'addon-device')
  const built = buildAddon({ outFile: join(work, 'rfam-addon.zip'), contractFrom: schemaDir })
  const s = await startTestServer(t, { listen: true })
  const credential = await s.app.farm.credentials.create('device-test')
  const node = startNode(t, { server: s.url, credential, name: 'cpu-node', shareRoot: s.config.shares.root('data') })
  await node.waitForLog({ msg: 'connected to the server' })
  const { cookie } = await logIn(s, 'mia')

  const english = JSON.parse(readFileSync(join(repoRoot, 'config', 'languages', 'en.json'), 'utf8')).strings
  const args = { zip: built.file, server: s.url, project: 'demo', user: 'mia', cannotRenderGpu: english['job:cannot-render-gpu'] }
  const found = await runTestScript(t, { script: 'test_device.py', blendFile: join(s.projectDir(), 'props', 'cake.blend'), work, args })
  if (!found) return
  const job = async (id: unknown) => (await s.app.inject({ url: `/api/projects/demo/jobs/${String(id)}`, headers: { cookie } })).json()
  const gpu = await job(found.gpu)
  t.equal(gpu.device, 'gpu', 'the job sent with "GPU only" asks for a GPU')
  t.equal(gpu.cannotRender?.sentence.key, 'job:cannot-render-gpu', 'and no node of this farm has one')
  t.equal((await job(found.cpu)).device, 'cpu', 'the job sent with "CPU only" asks for the processor')
  t.equal((await job(found.any)).device, 'any', 'the job sent with "Any" takes what a node has')
})
