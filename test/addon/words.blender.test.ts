// The add-on speaks the person's language from the web pages' own language files: real Blender opens a
// .blend of the demo project, installs the add-on from the built zip, logs in as someone whose RFAM
// language is German, and blender-addon/tests/test_words.py checks that every label, button and field of
// the panels, a job's status and what the server says (its message about the job, a refusal) come from
// config/languages/de.json, with no English left where German was due.
import t from 'tap'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { buildAddon } from '../../scripts/build-addon.ts'
import { schemaDir } from '../../schemas/load.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { noBlender, runTestScript } from './in-blender.ts'

t.test('the panel in German, from the language files', { skip: noBlender }, async (t) => {
  const work = testFolder(t, 'addon-words')
  const built = buildAddon({ outFile: join(work, 'rfam-addon.zip'), contractFrom: schemaDir })
  t.ok(built.files.includes('languages/de.json') && built.files.includes('words.py'), 'the zip holds the language files and words.py')
  const s = await startTestServer(t, { listen: true })
  const alex = await logIn(s, 'alex')
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const call = (cookie: string, method: 'PATCH' | 'POST', url: string, payload: object) => s.app.inject({ method, url, headers: { cookie }, payload })
  t.equal((await call(alex.cookie, 'PATCH', '/api/users/alex', { language: 'de' })).statusCode, 200, 'Alex reads RFAM in German')
  const job = await call(alex.cookie, 'POST', '/api/projects/demo/jobs', { file: 'props/cake.blend', frameStart: 1, frameEnd: 3 })
  t.equal(job.statusCode, 201)
  await call(teacher.cookie, 'PATCH', `/api/projects/demo/jobs/${job.json().id}`, { action: 'pause' })

  const args = { zip: built.file, server: s.url, project: 'demo', user: 'alex', languages: join(repoRoot, 'config', 'languages'), jobName: job.json().name }
  await runTestScript(t, { script: 'test_words.py', blendFile: join(s.projectDir(), 'props', 'cake.blend'), work, args })
})
