import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from '../server/config/load-config.ts'

// No source module over MAX_LINES (issue 15 item 2): a module that long holds more than one concern,
// and a newcomer has to read all of it to change any. Split it by concern (farm.ts, job-store.ts,
// render-node.ts and project-store.ts show how; the add-on's schema_lite.py with js_regex.py and
// json_formats.py too). Generated code and tests are not counted: test/ is not walked, nor is any
// tests/ folder (blender-addon/tests).
const MAX_LINES = 400
const ROOTS = ['server', 'common', 'node', 'prenode', 'web/src', 'scripts', 'schemas', 'blender-addon']
const SOURCE = /\.(ts|mts|mjs|cjs|js|py)$/
const SKIPPED = new Set(['node_modules', 'dist', 'generated', 'fixtures', '__pycache__', 'tests'])
/** A line that marks a generated file (schemas/generated/types.ts and the like). */
const GENERATED = /^\S*\s*(Generated|Auto-generated)\b.*\bDo not edit\b/i
/** How many first lines may carry it: blender-addon/rfam/api.py says so on its second line, below the
 * '# Layer N (name): ...' line every add-on module starts with. */
const GENERATED_WITHIN = 3

function sourceFiles (dir: string): string[] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return [] // a folder this checkout does not have (yet)
  }
  return entries.flatMap((e) => {
    if (e.isDirectory()) return SKIPPED.has(e.name) || e.name.startsWith('.') ? [] : sourceFiles(join(dir, e.name))
    return e.isFile() && SOURCE.test(e.name) ? [join(dir, e.name)] : []
  })
}

const files = ROOTS.flatMap((root) => sourceFiles(join(repoRoot, root)))
const isGenerated = (text: string) => text.split('\n', GENERATED_WITHIN).some((line) => GENERATED.test(line))

t.ok(files.length > 100, `the walk finds the source modules (${files.length})`)
t.ok(files.some((f) => relative(repoRoot, f).startsWith('blender-addon/rfam/')), 'the add-on is walked')
t.notOk(files.some((f) => relative(repoRoot, f).startsWith('blender-addon/tests/')), 'its tests are not')
t.ok(isGenerated(readFileSync(join(repoRoot, 'blender-addon', 'rfam', 'api.py'), 'utf8')),
  'the add-on\'s generated api.py is known by its "Generated … Do not edit" line')

const tooLong = files.flatMap((file) => {
  const text = readFileSync(file, 'utf8')
  if (isGenerated(text)) return []
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  return lines > MAX_LINES ? [`${relative(repoRoot, file)} (${lines} lines)`] : []
})

t.same(tooLong, [], `no source module has more than ${MAX_LINES} lines`)
