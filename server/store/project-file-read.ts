// Reads a film's project.json as far as it goes: a file with one bad field (a role without its
// person, a typo in a field name) still gives its title, licence and every good role to the Project
// page and the credits; the problem says what was left out. A file that is not JSON gives nothing.
import type { ProjectFile } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { jsonSyntaxProblem } from '../../common/read-json-file.ts'

const SCHEMA = 'project-file.schema.json'
const LISTS = new Set(['roles', 'externalAssets'])

const valid = (data: unknown) => validator().check(SCHEMA, data, { quote: false }) === null

export function readProjectFile (text: string): { file: ProjectFile, problem?: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { file: defaults(), problem: jsonSyntaxProblem(err, text) }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { file: defaults(), problem: 'not a JSON object' }
  const problem = validator().check(SCHEMA, structuredClone(data), { quote: false })
  if (problem === null) return { file: withDefaults(data) }
  // Keep each field (and each line of a list) that is valid on its own.
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(data)) {
    if (LISTS.has(key) && Array.isArray(value)) kept[key] = value.filter((item) => valid({ [key]: [structuredClone(item)] }))
    else if (valid({ [key]: structuredClone(value) })) kept[key] = value
  }
  return { file: withDefaults(kept), problem }
}

function defaults (): ProjectFile { return withDefaults({}) }

/** Validating fills in the defaults (an empty title, no roles …). */
function withDefaults (data: object): ProjectFile {
  const file = structuredClone(data) as ProjectFile
  validator().check(SCHEMA, file)
  return file
}
