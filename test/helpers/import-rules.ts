// Who may import whom (README.md, "Layout"), read from the sources themselves:
// every import and export of every .ts/.mts/.mjs/.js file, type-only and dynamic ones included, found
// with TypeScript's parser (a comment or a string that looks like an import is none).
//
// - Programs (server/, node/, prenode/, web/) import only their own folder, common/ (code more than
//   one program uses) and schemas/ (the contract and what is generated from it); common/ imports only
//   itself and schemas/; schemas/ only itself.
// - Inside server/, layers import only their own layer or lower ones (SERVER_LAYERS); every file of
//   server/ must have a layer.
// - Nothing outside test/ imports test/. Tools (scripts/, blender-addon/tools, the root's config
//   files) may import any program.
// - node/ and prenode/ write no '/api/' path: they call the generated farm client (common/farm-client.ts).
//
// Run by test/layers.test.ts; by hand on any checkout: `npx tsx test/helpers/import-rules.ts [folder]`.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'

/** The programs: what runs on its own. Each may import itself and SHARED only. */
export const PROGRAMS = ['server', 'node', 'prenode', 'web']
/** What every program may import besides its own folder. */
export const PROGRAM_MAY = ['common', 'schemas']
/** What the programs share: common/ imports schemas/, schemas/ imports nothing of the repository. */
export const SHARED: Record<string, string[]> = { common: ['common', 'schemas'], schemas: ['schemas'] }
/** Tools: they may use any program's code, never the tests'. '.' is the repository's root files. */
export const TOOLS = ['scripts', 'blender-addon', '.']

/**
 * The server's layers, lowest first: a file imports only files of its own layer or of lower ones.
 * `parts` are the folders (ending in '/') and files of server/ in that layer.
 */
export const SERVER_LAYERS: Array<{ name: string, parts: string[] }> = [
  { name: 'base', parts: ['errors.ts', 'invalid-sentence.ts', 'zip-format.ts', 'config/', 'blend/'] },
  { name: 'store', parts: ['store/'] },
  { name: 'services', parts: ['addon/', 'auth/', 'people/', 'pictures/', 'credits/', 'farm/', 'notify/', 'dashboard/'] },
  { name: 'routes', parts: ['routes/'] },
  { name: 'app', parts: ['app.ts', 'server.ts', 'main.ts', 'start-banner.ts', 'types.ts', 'demo/', 'security-headers.ts', 'lazy-schema-compilers.ts', 'local-node-process.ts'] },
]

/** Folders whose code builds no API path by hand. */
const NO_API_PATHS = ['node', 'prenode']

const SOURCE = /\.(ts|mts|cts|mjs|cjs|js)$/
const SKIPPED = new Set(['node_modules', 'dist', '__pycache__'])

export interface Found {
  /** Repository-relative, with '/'. */
  file: string
  line: number
  /** For an import: the repository-relative file it names; for a literal: its text. */
  target: string
  kind: 'import' | 'literal'
}

/** Every source file under `root`, repository-relative. */
export function sourceFiles (root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name
    if (e.isDirectory()) return e.name.startsWith('.') || SKIPPED.has(e.name) || rel === 'web/dist' ? [] : sourceFiles(root, rel)
    return e.isFile() && SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : []
  })
}

/** The repository's imports of `file` (its text given) and, where asked, its string literals holding '/api/'. */
export function scan (file: string, text: string, literals = false): Found[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false)
  const found: Found[] = []
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
  const named = (node: ts.Node, spec: string) => {
    if (!spec.startsWith('.')) return // a package or node: module
    found.push({ file, line: line(node), target: posix.normalize(posix.join(posix.dirname(file), spec)), kind: 'import' })
  }
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      named(node, node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      named(node, node.arguments[0].text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      named(node, node.argument.literal.text)
    } else if (literals && (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) && node.text.includes('/api/')) {
      found.push({ file, line: line(node), target: node.text, kind: 'literal' })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const zoneOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.')

/** The server layer of a file of server/, as an index into SERVER_LAYERS (undefined: it has none). */
export function serverLayer (file: string): number | undefined {
  const rel = file.slice('server/'.length)
  const layer = SERVER_LAYERS.findIndex((l) => l.parts.some((k) => (k.endsWith('/') ? rel.startsWith(k) : rel === k)))
  return layer < 0 ? undefined : layer
}

const layerName = (layer: number) => `layer ${layer + 1} (${SERVER_LAYERS[layer]!.name})`
const part = (file: string) => file.slice('server/'.length).split('/')[0]!

/** What is wrong with one import, or undefined. */
export function importProblem ({ file, line, target }: Found): string | undefined {
  const from = zoneOf(file)
  const to = zoneOf(target)
  const at = `${file}:${line} imports ${target}`
  if (to === 'test' && from !== 'test') return `${at}: nothing outside test/ imports from test/`
  if (PROGRAMS.includes(from) && to !== from && !PROGRAM_MAY.includes(to)) {
    return `${at}: ${from}/ is a program, and imports only ${from}/, common/ and schemas/ (code more than one program uses goes to common/)`
  }
  if (SHARED[from] && !SHARED[from].includes(to)) return `${at}: ${from}/ imports only ${SHARED[from].map((z) => `${z}/`).join(' and ')}`
  if (from === 'server' && to === 'server') {
    const mine = serverLayer(file)
    const theirs = serverLayer(target)
    if (mine !== undefined && theirs !== undefined && theirs > mine) {
      return `${at} upwards: ${part(file)} is ${layerName(mine)}, ${part(target)} is ${layerName(theirs)}`
    }
  }
  return undefined
}

/** Every broken rule in the checkout at `root`, each naming the file, the line and what it imports or writes. */
export function importProblems (root: string): string[] {
  const problems: string[] = []
  for (const file of sourceFiles(root)) {
    const zone = zoneOf(file)
    if (![...PROGRAMS, ...Object.keys(SHARED), ...TOOLS, 'test'].includes(zone)) problems.push(`${file}: ${zone}/ is in no row of the table (test/helpers/import-rules.ts)`)
    if (zone === 'server' && serverLayer(file) === undefined) problems.push(`${file} has no server layer: give it one in SERVER_LAYERS (test/helpers/import-rules.ts)`)
    for (const found of scan(file, readFileSync(join(root, file), 'utf8'), NO_API_PATHS.includes(zone))) {
      if (found.kind === 'literal') problems.push(`${file}:${found.line} writes the API path '${found.target}' by hand: call the generated farm client (common/farm-client.ts)`)
      else {
        const problem = importProblem(found)
        if (problem) problems.push(problem)
      }
    }
  }
  return problems
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = process.argv[2] ?? join(import.meta.dirname, '..', '..')
  const problems = importProblems(root)
  for (const p of problems) console.log(p)
  console.log(`${problems.length} problem${problems.length === 1 ? '' : 's'}`)
  process.exitCode = problems.length > 0 ? 1 : 0
}
