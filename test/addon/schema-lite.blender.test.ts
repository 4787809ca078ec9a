// The add-on's standard-library validator (blender-addon/rfam/schema_lite.py and the modules it
// imports, loaded as a package by blender-addon/tests/addon_modules.py) must judge like Ajv: it
// replays schemas/fixtures under python3 and under the real Blender, it agrees with Ajv on the
// corners where Python and ECMAScript differ, and it refuses any keyword it does not know.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { schemaDir } from '../../schemas/load.ts'
import { validator } from '../../schemas/validator.ts'
import { fixtureDir, readFixtures } from '../schemas/fixture-files.ts'
import { testFolder } from '../helpers/folders.ts'

const root = join(schemaDir, '..')
const testsDir = join(root, 'blender-addon', 'tests')
const testScript = join(testsDir, 'test_schema_lite.py')
const blender = '/usr/bin/blender'
const blenderArgs = (script: string, repo: string) =>
  ['-b', '--factory-startup', '--python-exit-code', '1', '--python', script, '--', repo]

const fixtureCount = readdirSync(fixtureDir).filter((f) => f.endsWith('.json'))
  .reduce((n, f) => n + readFixtures(join(fixtureDir, f)).length, 0)

/** The script's closing 'N passed, N failed' line. */
function summary (output: string): { passed: number, failed: number } | null {
  const all = [...output.matchAll(/^(\d+) passed, (\d+) failed$/gm)]
  const last = all.at(-1)
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : null
}

function run (command: string, args: string[], input?: string) {
  const r = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.error) throw r.error
  return { status: r.status, out: r.stdout, err: r.stderr }
}

/** Runs Python code with schema_lite as `lite`, the folder of schemas in sys.argv[2] and stdin as `stdin`. */
function python (code: string, input = '', schemas = schemaDir) {
  const prelude = [
    'import json, sys',
    'sys.path.insert(0, sys.argv[1])',
    'from addon_modules import addon_module',
    'lite = addon_module("schema_lite")',
    'stdin = sys.stdin.buffer.read().decode("utf-8")',
  ].join('\n')
  return run('python3', ['-c', `${prelude}\n${code}`, testsDir, schemas], input)
}

t.test('python3 replays every fixture with Ajv\'s verdict', async (t) => {
  const r = run('python3', [testScript, root])
  t.equal(r.status, 0, `python3 ${testScript} exits 0\n${r.out.slice(-3000)}${r.err.slice(-3000)}`)
  const s = summary(r.out)
  t.equal(s?.failed, 0, 'nothing failed')
  t.ok((s?.passed ?? 0) >= fixtureCount, `every one of the ${fixtureCount} fixture cases ran (${s?.passed} passed)`)
})

t.test('Blender replays every fixture with Ajv\'s verdict', { skip: existsSync(blender) ? false : `${blender} is not installed` }, async (t) => {
  const r = run(blender, blenderArgs(testScript, root))
  t.equal(r.status, 0, `blender exits 0\n${r.out.slice(-3000)}${r.err.slice(-3000)}`)
  const s = summary(r.out)
  t.equal(s?.failed, 0, 'nothing failed')
  t.ok((s?.passed ?? 0) >= fixtureCount, `every one of the ${fixtureCount} fixture cases ran (${s?.passed} passed)`)
})

t.test('a fixture with the wrong verdict fails the replay, with a non-zero exit', async (t) => {
  const dir = testFolder(t, 'lite')
  mkdirSync(join(dir, 'schemas', 'fixtures'), { recursive: true })
  for (const f of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
    cpSync(join(schemaDir, f), join(dir, 'schemas', f))
  }
  writeFileSync(join(dir, 'schemas', 'fixtures', 'state.json'), JSON.stringify([
    { description: 'claims an upper-case ident is valid', valid: true, data: { ident: 'Todo', name: 'To do' } },
    { description: 'a good one', valid: true, data: { ident: 'todo', name: 'To do' } },
  ]))
  const py = run('python3', [testScript, dir])
  t.not(py.status, 0, 'python3 exits non-zero')
  t.match(summary(py.out), { failed: 1 }, 'one failure is counted')
  if (existsSync(blender)) {
    const b = run(blender, blenderArgs(testScript, dir))
    t.not(b.status, 0, 'blender exits non-zero')
    t.match(summary(b.out), { failed: 1 }, 'one failure is counted under Blender')
  }
})

t.test('a schema with a keyword schema_lite does not know is refused at load time', async (t) => {
  const dir = testFolder(t, 'lite')
  writeFileSync(join(dir, 'thing.schema.json'), JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'thing.schema.json',
    title: 'Thing',
    type: 'object',
    properties: { tags: { type: 'object', patternProperties: { '^x-': { type: 'string' } } } },
  }))
  const r = python('lite.load_schemas(sys.argv[2])', '', dir)
  t.not(r.status, 0, 'loading fails')
  t.match(r.err, 'SchemaError: thing.schema.json#/properties/tags/patternProperties: unknown keyword "patternProperties"',
    'the error names the file, the place and the keyword')

  // Every draft-07 keyword outside the supported subset is refused the same way.
  const unsupported = ['patternProperties', 'dependencies', 'contains', 'if', 'then', 'else', 'multipleOf',
    'additionalItems', 'maxContains', 'contentMediaType', 'unevaluatedProperties', 'nullable', 'tsType']
  const check = `
out = {}
for kw in json.loads(stdin):
    try:
        lite.Registry([{"$id": "x.schema.json", "properties": {"a": {kw: {}}}}])
        out[kw] = "accepted"
    except lite.SchemaError as e:
        out[kw] = str(e)
print(json.dumps(out))`
  const refused = python(check, JSON.stringify(unsupported))
  t.equal(refused.status, 0, refused.err)
  const verdicts = JSON.parse(refused.out) as Record<string, string>
  for (const kw of unsupported) t.match(verdicts[kw], `unknown keyword "${kw}"`, `${kw} is refused`)
})

// Corners where a naive Python validator drifts from Ajv: regex anchors and classes, format details,
// integer-valued floats, booleans, code-point lengths. Ajv's verdict is the reference.
const T = 'common.schema.json#/$defs/Timestamp'
const U = 'common.schema.json#/$defs/Uuid'
const ID = 'common.schema.json#/$defs/Ident'
const NP = 'common.schema.json#/$defs/NamedPath'
const TAG = 'common.schema.json#/$defs/Tag'
const DN = 'common.schema.json#/$defs/DisplayName'
const asset = { name: 'a', type: 'prop', state: 'todo' }
const edges: [string, unknown][] = [
  ...['2016-12-31T23:59:60Z', '2016-12-31T23:59:60+01:00', '2016-12-31T22:59:60-01:00', '2016-12-31T23:59:59.999999Z',
    '2016-12-31t23:59:59z', '2016-12-31 23:59:59Z', '2016-12-31\u00a023:59:59Z', '2016-12-31\u200b23:59:59Z',
    '2016-12-31\u001c23:59:59Z', '2016-12-31\ufeff23:59:59Z', '2024-02-29T00:00:00Z', '1900-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-07-14T09:30:00+0530', '2025-07-14T09:30:00+05',
    '2025-07-14T09:30:00+24:00', '2025-07-14T09:30:00+05:60', '2025-07-14T09:30:60Z', '2025-07-14T09:30Z',
    '２０２５-07-14T09:30:00Z', '2025-07-14T09:30:00Z\n', '2025-07-14TT09:30:00Z', '2025-07-14T09:30:00.Z',
    '2025-00-14T09:30:00Z', '2025-07-00T09:30:00Z', '', 'T'].map((s): [string, unknown] => [T, s]),
  ...['0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b', '0B6A3F9E-2C1D-4E5F-8A7B-9C0D1E2F3A4B', 'urn:uuid:0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b',
    'URN:UUID:0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b', '{0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b}', '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b\n',
    '0b6a3f9e2c1d4e5f8a7b9c0d1e2f3a4b', '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4', '０b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b',
  ].map((s): [string, unknown] => [U, s]),
  ...['abc', 'abc\n', 'abc\r', 'a'.repeat(64), 'a'.repeat(65), '\u0663', 'ab c', '_a', 'a_', 'é', 'a-b', 'ａ', 'K', '\u212a']
    .map((s): [string, unknown] => [ID, s]),
  ...['data::', 'data::a\nb', 'data::a\u2028b', 'data::\u0000', 'data:x', 'data::😀', '::x', 'data::x\n', 'dat\u0430::x']
    .map((s): [string, unknown] => [NP, s]),
  ...['Blender-3.4', 'gpu:1', '.x', 'x'.repeat(65), 'gpu\n', 'gpu ']
    .map((s): [string, unknown] => [TAG, s]),
  ...['😀'.repeat(200), '😀'.repeat(201), '\ud800', '\ud800'.repeat(200) + 'x', 'e\u0301'.repeat(100), 'e\u0301'.repeat(101), ' ', '\u0000', 5]
    .map((s): [string, unknown] => [DN, s]),
  ...[1, 1.0, 100, -0, 1.5, 1e21, true, false, '1', null, [1]].map((p): [string, unknown] => ['asset.schema.json', { ...asset, priority: p }]),
  ...[5, 5.0, 5.000001, 0, -0, '5'].map((r): [string, unknown] => ['asset.schema.json', { ...asset, priority: 1, rating: r }]),
  ...['-0', '01', '1.0', '１', '1\n', '', '-', '--1', '007'].map((k): [string, unknown] => ['asset.schema.json#/$defs/RenderStats', { frames: { [k]: [] } }]),
  ...['a.b', 'a.b\n', 'a\\b.blend', '.blend', 'a.blend.', 'ü.blend', 'a.blend1', 'a b.blend', 'a.ü']
    .map((f): [string, unknown] => ['asset-type.schema.json', { ident: 'x', name: 'x', directory: 'x', priority: 1, state: 'a', states: ['a'], file: f }]),
  ...['a/b', 'a//b', 'a/', 'a-b/c_d', 'a\n', 'ä']
    .map((d): [string, unknown] => ['asset-type.schema.json', { ident: 'x', name: 'x', directory: d, priority: 1, state: 'a', states: ['a'] }]),
  ...['scrypt$', 'scrypt', 'xscrypt$', 'SCRYPT$', 'scrypt$\n']
    .map((s): [string, unknown] => ['user.schema.json', { ident: 'ana', name: 'Ana', projects: [], secret: s }]),
  ...['en', 'pt-BR', 'en\n', 'pt-BR\n', 'ENG', 'en-BRA']
    .map((c): [string, unknown] => ['language.schema.json', { code: c, name: 'x', strings: {} }]),
  ...[0.0000001, 1e-300, 0, -0].map((p): [string, unknown] => ['project.schema.json', { ident: 'a', name: 'A', directory: 'data::a', renderPriority: p }]),
  ['api-asset-view.schema.json', { path: 'p', truePriority: 1, file: null, dependencies: [], dependents: [] }],
  ['api-asset-view.schema.json', { path: 'p', truePriority: 1, file: [], dependencies: [], dependents: [] }],
  ['job.schema.json#/$defs/TaskFailure', { node: 'n', at: '2025-07-14T09:30:00Z', message: 'm', exitCode: 1.0 }],
  ['job.schema.json#/$defs/TaskFailure', { node: 'n', at: '2025-07-14T09:30:00Z', message: 'm', exitCode: false }],
  ['api-project-file-update.schema.json', { roles: [{ id: '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b', role: '', user: 'a' }] }],
  ['api-asset-update.schema.json', { support: ['a', 'b', 'a'] }],
]

/** JSON for a test name: TAP is line-based, so line and paragraph separators are escaped too. */
const show = (value: unknown) => JSON.stringify(value)
  .replace(/[\u0080-\u009f\u2028\u2029\ufeff\u200b]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

t.test('schema_lite agrees with Ajv on the corners where Python and ECMAScript differ', async (t) => {
  const v = validator()
  const ajv = edges.map(([ref, data]) => v.check(ref, structuredClone(data)) === null)
  const r = python(`
reg = lite.load_schemas(sys.argv[2])
print(json.dumps([reg.validate(ref, data) == [] for ref, data in json.loads(stdin)]))`, JSON.stringify(edges))
  t.equal(r.status, 0, r.err)
  const lite = JSON.parse(r.out) as boolean[]
  t.equal(lite.length, edges.length)
  edges.forEach(([ref, data], i) => {
    t.equal(lite[i], ajv[i], `${ref} ${show(data)}: Ajv says ${ajv[i] ? 'valid' : 'invalid'}`)
  })
  t.ok(ajv.some((x) => x) && ajv.some((x) => !x), 'the corners include both verdicts')
})
