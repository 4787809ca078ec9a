// Every project folder holds a project.json (the Blender add-on finds a project's top folder by it):
// a store creates an empty one when it is missing and never touches one that is there.
import t from 'tap'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'
import { validator } from '../../schemas/validator.ts'
import { writeTestConfig } from '../helpers/server.ts'

function storeAt (t: { teardown: (fn: () => unknown) => void }, root: string): ProjectStore {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-pf-config-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const config = loadConfig(writeTestConfig(dir))
  const store = new ProjectStore({
    ident: 'red', root, rescanSeconds: 0, watch: false,
    defaultsSets: loadConfiguredDefaultsSets(config), defaultSet: config.defaultSet, members: () => [],
  })
  t.teardown(() => store.close())
  return store
}

t.test('a project folder without project.json gets an empty, valid one', async (t) => {
  const root = join(mkdtempSync(join(tmpdir(), 'rfam-pf-')), 'red')
  t.teardown(() => rmSync(join(root, '..'), { recursive: true, force: true }))
  mkdirSync(join(root, 'shots'), { recursive: true })
  writeFileSync(join(root, 'shots', 'a.blend'), 'x')
  await storeAt(t, root).start()
  const file = join(root, 'project.json')
  t.ok(existsSync(file))
  t.equal(validator().check('project-file.schema.json', JSON.parse(readFileSync(file, 'utf8'))), null)
})

t.test('an existing project.json is left exactly as it is, even a broken one', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'rfam-pf-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  writeFileSync(join(root, 'project.json'), '{ "title": "Red", broken')
  const store = storeAt(t, root)
  await store.start()
  t.equal(readFileSync(join(root, 'project.json'), 'utf8'), '{ "title": "Red", broken')
  t.match(store.file(), { title: '', roles: [] }, 'a broken project file reads as the defaults')
})

t.test('a read-only project folder still starts, without a project.json', { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'rfam-pf-'))
  t.teardown(() => { chmodSync(root, 0o755); rmSync(root, { recursive: true, force: true }) })
  chmodSync(root, 0o555)
  const store = storeAt(t, root)
  await store.start()
  t.notOk(existsSync(join(root, 'project.json')))
})
