// Who may import whom (issue 15 item 3; the rules are in test/helpers/import-rules.ts and
// README.md, "Layout"): programs import only themselves, common/ and schemas/; server layers import
// only downwards; nothing outside test/ imports test/; node/ and prenode/ write no '/api/' path.
// The repository keeps them, and each kind of mistake fails, naming the file, the line and the import.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../server/config/load-config.ts'
import { importProblem, importProblems, scan, serverLayer, sourceFiles, type Found } from './helpers/import-rules.ts'

t.test('the repository keeps the rules', async (t) => {
  const files = sourceFiles(repoRoot)
  t.ok(files.length > 300, `the walk finds the sources (${files.length})`)
  t.ok(files.includes('node/main.ts') && files.includes('server/app.ts') && !files.some((f) => f.startsWith('node_modules/')), 'sources, not packages')
  t.ok(scan('server/app.ts', readFileSync(join(repoRoot, 'server', 'app.ts'), 'utf8')).length > 20, 'imports are found')
  t.same(importProblems(repoRoot), [])
})

const problemsOf = (file: string, text: string) =>
  scan(file, text, file.startsWith('node/') || file.startsWith('prenode/')).map((f: Found) => (f.kind === 'literal' ? `literal ${f.target}` : importProblem(f))).filter(Boolean)

t.test('each mistake fails, naming where', async (t) => {
  t.same(problemsOf('node/config.ts', "import x from 'node:fs'\nimport { Shares } from '../server/store/named-paths.ts'\n"),
    ['node/config.ts:2 imports server/store/named-paths.ts: node/ is a program, and imports only node/, common/ and schemas/ (code more than one program uses goes to common/)'])
  t.match(problemsOf('prenode/prenode.ts', "import type { X } from '../node/server-client.ts'"), [/^prenode\/prenode\.ts:1 imports node\/server-client\.ts: prenode\/ is a program/], 'a type-only import counts')
  t.match(problemsOf('server/store/x.ts', "const m = await import('../routes/api/cached-json.ts')"),
    ['server/store/x.ts:1 imports server/routes/api/cached-json.ts upwards: store is layer 2 (store), routes is layer 4 (routes)'], 'a dynamic import counts')
  t.match(problemsOf('server/farm/x.ts', "type R = import('../routes/register-routes.ts').Handlers<'farmBye'>"), [/upwards: farm is layer 3 \(services\), routes is layer 4/], 'an import type counts')
  t.match(problemsOf('server/config/load-config.ts', "import { Shares } from '../../common/named-paths.ts'\nimport { x } from '../store/workspace.ts'"), [/load-config\.ts:2 imports server\/store\/workspace\.ts upwards: config is layer 1 \(base\)/])
  t.same(problemsOf('server/routes/api/x.ts', "import { Farm } from '../../farm/farm.ts'\nimport { badRequest } from '../../errors.ts'"), [], 'downwards is fine')
  t.same(problemsOf('server/auth/x.ts', "import { Farm } from '../farm/farm.ts'"), [], 'so is sideways, within a layer')
  t.match(problemsOf('scripts/screenshots.ts', "import { writeTestConfig } from '../test/helpers/server.ts'"), ['scripts/screenshots.ts:1 imports test/helpers/server.ts: nothing outside test/ imports from test/'])
  t.match(problemsOf('blender-addon/tools/screenshot.ts', "export { x } from '../../test/helpers/server.ts'"), [/nothing outside test\/ imports from test\//], 'a re-export counts')
  t.same(problemsOf('scripts/backup.ts', "import { lock } from '../server/store/file-lock.ts'"), [], 'a tool may use a program')
  t.same(problemsOf('test/x.test.ts', "import { a } from '../node/config.ts'\nimport { b } from '../server/app.ts'"), [], 'a test may import anything')
  t.match(problemsOf('common/x.ts', "import { HttpError } from '../server/errors.ts'"), [/common\/x\.ts:1 imports server\/errors\.ts: common\/ imports only common\/ and schemas\//])
  t.match(problemsOf('schemas/x.ts', "import { a } from '../common/named-paths.ts'"), [/schemas\/ imports only schemas\//])
  t.match(problemsOf('web/src/x.ts', "import { urls } from '../../server/app.ts'"), [/web\/ is a program/])
  t.same(problemsOf('node/x.ts', "// import { a } from '../server/app.ts'\nconst s = \"import '../server/app.ts'\""), [], 'comments and strings are no imports')
  t.same(problemsOf('node/x.ts', 'const a = `$' + "{base}/api/farm/work`\nfetch('/api/farm/hello')\n// POST /api/farm/bye"), ['literal /api/farm/work', 'literal /api/farm/hello'], "'/api/' in a string or template, not in a comment")
  t.same(problemsOf('server/x.ts', "const a = '/api/farm/work'"), [], 'the server writes its paths')
})

t.test('every server file has a layer, and every folder a row', async (t) => {
  t.equal(serverLayer('server/store/workspace.ts'), 1)
  t.equal(serverLayer('server/app.ts'), 4)
  t.equal(serverLayer('server/newthing/x.ts'), undefined)
  const root = t.testdir({
    server: { newthing: { 'x.ts': '' }, 'extra.ts': '', store: { 'a.ts': "import { b } from '../routes/b.ts'\n" } },
    tools: { 'y.ts': '' },
    node: { 'z.ts': "import { Shares } from '../common/named-paths.ts'\nimport '../schemas/load.ts'\n" },
  })
  t.same(importProblems(root).sort(), [
    'server/extra.ts has no server layer: give it one in SERVER_LAYERS (test/helpers/import-rules.ts)',
    'server/newthing/x.ts has no server layer: give it one in SERVER_LAYERS (test/helpers/import-rules.ts)',
    'server/store/a.ts:1 imports server/routes/b.ts upwards: store is layer 2 (store), routes is layer 4 (routes)',
    'tools/y.ts: tools/ is in no row of the table (test/helpers/import-rules.ts)',
  ])
})
