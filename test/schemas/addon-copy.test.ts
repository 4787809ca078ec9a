// The add-on ships its own copy of the contract (blender-addon/rfam/schemas); it must be exactly schemas/.
import t from 'tap'
import { cpSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { schemaDir } from '../../schemas/load.ts'
import { addonSchemaDir, contractFiles, copyAddonSchemas } from '../../scripts/copy-addon-schemas.ts'
import { addonLanguagesDir, copyAddonLanguages, languageFiles, languagesDir } from '../../scripts/copy-addon-languages.ts'
import { testFolder } from '../helpers/folders.ts'

const fix = 'Run `npm run addon:schemas` and commit blender-addon/rfam/schemas.'

t.test('blender-addon/rfam/schemas is identical to schemas/', async (t) => {
  const source = contractFiles(schemaDir)
  t.ok(source.some((f) => f.startsWith('fixtures')), 'the fixtures are part of the copy')
  t.same(contractFiles(addonSchemaDir), source, `the add-on has the same files as schemas/. ${fix}`)
  for (const file of source) {
    const copy = join(addonSchemaDir, file)
    t.ok(existsSync(copy) && readFileSync(copy).equals(readFileSync(join(schemaDir, file))), `${file} is identical. ${fix}`)
  }
})

t.test('the copy script writes changed files and removes stale ones', async (t) => {
  const dir = testFolder(t, 'addon-schemas')
  const from = join(dir, 'schemas')
  const to = join(dir, 'addon')
  cpSync(schemaDir, from, { recursive: true })

  const first = copyAddonSchemas(from, to)
  t.same(first.written, contractFiles(from), 'a fresh copy writes every file')
  t.same(copyAddonSchemas(from, to), { written: [], removed: [] }, 'a second run changes nothing')

  writeFileSync(join(from, 'state.schema.json'), '{"$id":"state.schema.json"}')
  rmSync(join(from, 'fixtures', 'state.json'))
  writeFileSync(join(to, 'notes.txt'), 'not part of the contract')
  t.same(copyAddonSchemas(from, to), { written: ['state.schema.json'], removed: ['fixtures/state.json'] })
  t.equal(readFileSync(join(to, 'state.schema.json'), 'utf8'), '{"$id":"state.schema.json"}')
  t.ok(existsSync(join(to, 'notes.txt')), 'files outside the contract are left alone')
})

t.test('blender-addon/rfam/languages is identical to config/languages (the add-on speaks the pages\' words)', async (t) => {
  const source = languageFiles(languagesDir)
  t.ok(source.includes('de.json') && source.includes('en.json'))
  t.same(languageFiles(addonLanguagesDir), source, `the add-on has the same language files. ${fix}`)
  for (const file of source) {
    t.ok(readFileSync(join(addonLanguagesDir, file)).equals(readFileSync(join(languagesDir, file))), `${file} is identical. ${fix}`)
  }
  const dir = testFolder(t, 'addon-languages')
  const to = join(dir, 'languages')
  t.same(copyAddonLanguages(languagesDir, to).written, source, 'a fresh copy writes every file')
  writeFileSync(join(to, 'xx.json'), '{}')
  t.same(copyAddonLanguages(languagesDir, to), { written: [], removed: ['xx.json'] }, 'stale files go')
})
