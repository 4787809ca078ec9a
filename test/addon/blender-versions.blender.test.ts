// The add-on shows why no render node can render the file it sent (issue 14 item 2): real Blender
// opens the demo's cake.blend (saved by Blender 3.4), the add-on sends it while the farm's only node
// says its one Blender is 3.0, and blender-addon/tests/test_versions.py checks the sentence in the
// message after sending and under the job in the panel, in English and German.
import t from 'tap'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { buildAddon } from '../../scripts/build-addon.ts'
import { schemaDir } from '../../schemas/load.ts'
import { testFolder } from '../helpers/folders.ts'
import { noBlender, runTestScript } from './in-blender.ts'
import type { JobView } from '../../schemas/generated/types.ts'

t.test('the add-on says "Saved with Blender 3.4; the farm has only 3.0"', { skip: noBlender }, async (t) => {
  const work = testFolder(t, 'addon-versions')
  const built = buildAddon({ outFile: join(work, 'rfam-addon.zip'), contractFrom: schemaDir })
  const s = await startTestServer(t, { listen: true })
  const credential = await s.app.farm.credentials.create('versions')
  const cred = s.app.farm.checkCredential(credential)
  await s.app.farm.hello({ name: 'pc-old', version: '0.1.0', blenderVersion: '3.0.1', blenders: [{ path: 'blender', version: '3.0.1' }], provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } }, cred)
  const args = { zip: built.file, server: s.url, project: 'demo', user: 'alex', farm: '3.0' }
  const said = await runTestScript(t, { script: 'test_versions.py', blendFile: join(s.projectDir(), 'props', 'cake.blend'), work, args })
  const job = s.app.farm.getJob('demo', String(said?.job)) as JobView
  t.equal(job.status, 'queued', 'the job waits on the farm, saying why')
  t.match(job.cannotRender?.message, /^Saved with Blender 3\.4; the farm has only 3\.0\./)
})
