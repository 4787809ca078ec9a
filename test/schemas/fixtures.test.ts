// Every schema compiles under Ajv's strict mode, has shared fixtures of both kinds, and Ajv gives each
// fixture its expected verdict. The add-on's schema_lite replays the same files (test/addon).
import t from 'tap'
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { loadSchemas, schemaFiles } from '../../schemas/load.ts'
import { ajvOptions, validator } from '../../schemas/validator.ts'
import { fixtureDir, fixtureFileFor, fixtureFiles, readFixtures } from './fixture-files.ts'
import { testFolder } from '../helpers/folders.ts'

const described = (schemaFile: string) => schemaFile !== 'common.schema.json'

t.test('every schema compiles under Ajv strict mode', async (t) => {
  // A fresh instance per schema, so one schema's error cannot hide behind another's.
  for (const schema of loadSchemas()) {
    const ajv = new Ajv({ ...ajvOptions })
    addFormatsModule.default(ajv)
    for (const other of loadSchemas()) ajv.addSchema(other)
    t.doesNotThrow(() => ajv.getSchema(schema.$id), `${schema.$id} compiles`)
    t.ok(ajv.getSchema(schema.$id), `${schema.$id} is registered`)
  }
})

t.test('every schema is valid draft-07 (the server skips this check at start)', async (t) => {
  const ajv = new Ajv({ ...ajvOptions })
  for (const schema of loadSchemas()) {
    const ok = ajv.validateSchema(schema) as boolean
    t.ok(ok, `${schema.$id} is valid draft-07${ok ? '' : `: ${ajv.errorsText(ajv.errors)}`}`)
  }
})

t.test('every schema has a fixtures file with valid and invalid cases', async (t) => {
  for (const file of schemaFiles().filter(described)) {
    const fixtures = fixtureFileFor(file)
    if (!t.ok(existsSync(fixtures), `${file} has ${basename(fixtures)} in schemas/fixtures/`)) continue
    const cases = readFixtures(fixtures)
    t.ok(cases.filter((c) => c.valid).length >= 3, `${basename(fixtures)}: at least 3 valid cases`)
    t.ok(cases.filter((c) => !c.valid).length >= 4, `${basename(fixtures)}: at least 4 invalid cases`)
    const descriptions = cases.map((c) => c.description)
    t.same([...new Set(descriptions)], descriptions, `${basename(fixtures)}: descriptions are unique`)
  }
})

t.test('every fixtures file belongs to a schema', async (t) => {
  const schemas = new Set(schemaFiles())
  for (const file of fixtureFiles()) {
    t.ok(schemas.has(file.replace(/\.json$/, '.schema.json')), `${fixtureDir}/${file} names an existing schema`)
  }
})

t.test('a malformed fixtures file is refused with a clear error', async (t) => {
  const { writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const dir = testFolder(t, 'fixtures')
  const bad = join(dir, 'x.json')
  writeFileSync(bad, JSON.stringify({ description: 'not an array', valid: true, data: {} }))
  t.throws(() => readFixtures(bad), /must be a JSON array of cases/)
  writeFileSync(bad, JSON.stringify([{ description: 'typo', valid: true, date: {} }]))
  t.throws(() => readFixtures(bad), /case 0 must be exactly/)
})

t.test('Ajv gives every fixture its expected verdict', async (t) => {
  const v = validator()
  for (const file of schemaFiles().filter(described)) {
    const fixtures = fixtureFileFor(file)
    if (!existsSync(fixtures)) continue
    for (const c of readFixtures(fixtures)) {
      // Ajv fills defaults into what it checks: keep the fixture itself untouched.
      const problem = v.check(file, structuredClone(c.data))
      if (c.valid) t.equal(problem, null, `${file}: ${c.description} is valid`)
      else t.type(problem, 'string', `${file}: ${c.description} is refused (${problem ?? 'accepted'})`)
    }
  }
})
