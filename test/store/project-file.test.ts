// Every project folder holds a project.json (the Blender add-on finds a project's top folder by it):
// a store creates an empty one when it is missing and never touches one that is there.
import t from 'tap'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'
import { validator } from '../../schemas/validator.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { testFolder, testRoot } from '../helpers/folders.ts'

function storeAt (t: { teardown: (fn: () => unknown) => void }, root: string): ProjectStore {
  const dir = testFolder(t, 'pf-config')
  const config = loadConfig(writeTestConfig(dir))
  const store = new ProjectStore({
    ident: 'red',
    root,
    rescanSeconds: 0,
    watch: false,
    defaultsSets: loadConfiguredDefaultsSets(config),
    defaultSet: config.defaultSet,
    members: () => [],
  })
  t.teardown(() => store.close())
  return store
}

t.test('a project folder without project.json gets an empty, valid one', async (t) => {
  const root = join(testFolder(t, 'share'), 'red')
  mkdirSync(join(root, 'shots'), { recursive: true })
  writeFileSync(join(root, 'shots', 'a.blend'), 'x')
  await storeAt(t, root).start()
  const file = join(root, 'project.json')
  t.ok(existsSync(file))
  t.equal(validator().check('project-file.schema.json', JSON.parse(readFileSync(file, 'utf8'))), null)
})

t.test('an existing project.json is left exactly as it is, even a broken one', async (t) => {
  const root = testFolder(t, 'pf')
  writeFileSync(join(root, 'project.json'), '{ "title": "Red", broken')
  const store = storeAt(t, root)
  await store.start()
  t.equal(readFileSync(join(root, 'project.json'), 'utf8'), '{ "title": "Red", broken')
  t.match(store.file(), { title: '', roles: [] }, 'a broken project file reads as the defaults')
})

t.test('a read-only project folder still starts, without a project.json', { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false }, async (t) => {
  const root = testFolder(t, 'red')
  t.teardown(() => { chmodSync(root, 0o755) })
  chmodSync(root, 0o555)
  const store = storeAt(t, root)
  await store.start()
  t.notOk(existsSync(join(root, 'project.json')))
})

t.test('a project.json with one bad field gives every good one, says what is wrong, and is mended only by a change that replaces the bad part', async (t) => {
  const root = join(testRoot(t, { red: { 'project.json': JSON.stringify({ title: 'Red', license: 'CC0', roles: [{ id: '9b2e1c4e-0f43-4c1e-9d59-5d7a4d2f3a11', role: 'Director', user: 'ana' }, { role: 'Sound' }], colour: 'red' }) } }), 'red')
  const store = storeAt(t, root)
  await store.start()
  t.match(store.file(), { title: 'Red', license: 'CC0', roles: [{ role: 'Director', user: 'ana' }] }, 'the title, the licence and the good role are kept')
  t.equal(store.file().roles!.length, 1, 'the role without its person is left out')
  t.match(store.fileProblem, /\/roles\/1 must have required property 'id'/)
  t.notMatch(store.fileProblem, /colour/, 'an unknown field is not named (files on disk are not quoted)')
  await t.rejects(store.updateFile({ description: 'More.' }), { statusCode: 409, code: 'RFAM_BROKEN_FILE', message: /^project\.json is damaged \(.*\); fix or restore it before editing the project here\.$/ }, 'a change that would write the damage back is refused')
  t.match(JSON.parse(readFileSync(join(root, 'project.json'), 'utf8')), { colour: 'red' }, 'and the file is as it was')
  const original = JSON.parse(readFileSync(join(root, 'project.json'), 'utf8'))
  writeFileSync(join(root, 'project.json'), JSON.stringify({ ...original, colour: undefined }))
  await store.updateFile({ roles: [] })
  t.equal(store.fileProblem, undefined, 'replacing the bad part mends it')
  t.match(store.file(), { title: 'Red', license: 'CC0', roles: [] })
})

t.test('a project.json that is not JSON gives the defaults and says where it breaks', async (t) => {
  const root = join(testRoot(t, { red: { 'project.json': '{\n  "title": "Red",\n  oops\n}' } }), 'red')
  const store = storeAt(t, root)
  await store.start()
  t.match(store.file(), { title: '', roles: [] })
  t.equal(store.fileProblem, 'not valid JSON (line 3, column 3)')
  await t.rejects(store.updateFile({ title: 'Blue' }), { statusCode: 409, message: 'project.json is not valid JSON (line 3, column 3); fix or restore it before editing the project here.' })
})
