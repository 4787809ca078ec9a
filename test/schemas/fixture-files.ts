// Reads schemas/fixtures/<name>.json: the valid and invalid documents that Ajv (test/schemas) and the
// add-on's schema_lite (blender-addon/tests) must both judge the same way.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { schemaDir } from '../../schemas/load.ts'

export const fixtureDir = join(schemaDir, 'fixtures')

export interface FixtureCase {
  description: string
  valid: boolean
  data: unknown
}

/** The fixtures file that belongs to a schema file: asset.schema.json -> fixtures/asset.json. */
export function fixtureFileFor (schemaFile: string): string {
  return join(fixtureDir, schemaFile.replace(/\.schema\.json$/, '.json'))
}

export function fixtureFiles (): string[] {
  return existsSync(fixtureDir) ? readdirSync(fixtureDir).filter((f) => f.endsWith('.json')).sort() : []
}

/** Parses one fixtures file, refusing anything that is not an array of well-formed cases. */
export function readFixtures (file: string): FixtureCase[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!Array.isArray(parsed)) throw new Error(`${file}: must be a JSON array of cases`)
  return parsed.map((c: unknown, i) => {
    const ok = c !== null && typeof c === 'object' && !Array.isArray(c) &&
      Object.keys(c).sort().join() === 'data,description,valid' &&
      typeof (c as FixtureCase).description === 'string' && typeof (c as FixtureCase).valid === 'boolean'
    if (!ok) throw new Error(`${file}: case ${i} must be exactly { "description": string, "valid": boolean, "data": any }`)
    return c as FixtureCase
  })
}
