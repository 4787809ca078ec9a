import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from '../server/config/load-config.ts'

// No source module over MAX_LINES (issue 15 item 2): a module that long holds more than one concern,
// and a newcomer has to read all of it to change any. Split it by concern (farm.ts, job-store.ts,
// render-node.ts and project-store.ts show how). Generated code and tests are not counted; the
// Blender add-on is not walked (blender-addon/rfam/schema_lite.py is one validator, kept whole).
const MAX_LINES = 400
const ROOTS = ['server', 'common', 'node', 'prenode', 'web/src', 'scripts', 'schemas']
const SOURCE = /\.(ts|mts|mjs|cjs|js|py)$/
const SKIPPED = new Set(['node_modules', 'dist', 'generated', 'fixtures', '__pycache__'])
/** The first line of a generated file (schemas/generated/types.ts and the like). */
const GENERATED = /^\S*\s*(Generated|Auto-generated)\b.*\bDo not edit\b/i

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

t.ok(files.length > 100, `the walk finds the source modules (${files.length})`)

const tooLong = files.flatMap((file) => {
  const text = readFileSync(file, 'utf8')
  if (GENERATED.test(text.slice(0, 300))) return []
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  return lines > MAX_LINES ? [`${relative(repoRoot, file)} (${lines} lines)`] : []
})

t.same(tooLong, [], `no source module has more than ${MAX_LINES} lines`)
