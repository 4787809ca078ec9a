// The add-on shows the logged-in person's notifications about the open file: real Blender opens
// props/cake.blend of the demo, installs the add-on from the built zip and logs in as Zoë, whom Mia
// mentioned in notes on the cake and on the kitchen; blender-addon/tests/test_notifications.py checks
// the panel lists only the cake's, reports one that arrives while connected, and marks them read.
import t from 'tap'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { buildAddon } from '../../scripts/build-addon.ts'
import { schemaDir } from '../../schemas/load.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { noBlender, runTestScript } from './in-blender.ts'

t.test('the open file\'s notifications in the panel', { skip: noBlender }, async (t) => {
  const work = testFolder(t, 'addon-notifications')
  const built = buildAddon({ outFile: join(work, 'rfam-addon.zip'), contractFrom: schemaDir })
  t.ok(built.files.includes('notify.py'), 'the zip holds notify.py')
  const s = await startTestServer(t, { listen: true })
  const mia = await logIn(s, 'mia')
  t.equal((await mia.api('POST', '/api/projects/demo/notes/props/cake.blend', { text: 'is the cherry right, @zoe?' })).status, 201)
  t.equal((await mia.api('POST', '/api/projects/demo/notes/sets/kitchen.blend', { text: 'moonlight ok, @zoe?' })).status, 201)
  await s.app.rfam.notifier.idle()

  const args = { zip: built.file, server: s.url, project: 'demo', user: 'zoe', writer: 'Mia Chen', writerToken: mia.token }
  const found = await runTestScript(t, { script: 'test_notifications.py', blendFile: join(s.projectDir(), 'props', 'cake.blend'), work, args })
  t.match(found, { unreadAfter: 0 })
  const list = await s.app.rfam.notifier.list('zoe', 'demo')
  t.same(list.notifications.map((n) => [n.path, n.read]), [['props/cake.blend', true], ['sets/kitchen.blend', false], ['props/cake.blend', true]], 'the add-on marked the file\'s read on the server, and only those')
})
