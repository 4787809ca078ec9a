// GET /api/version: public, names the package version and fingerprints the contract the way the
// add-on does (blender-addon/rfam/validate.py contract_hash), so a changed schema changes it.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { validator } from '../../schemas/validator.ts'
import { schemaDir } from '../../schemas/load.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { contractHash } from '../../server/routes/api/version.ts'
import { testFolder } from '../helpers/folders.ts'

const schemaNames = (dir: string) => ['state.schema.json', 'asset.schema.json', 'common.schema.json', 'routes/assets.routes.json'].map((n) => { cpSync(join(schemaDir, n), join(dir, n)); return n })

t.test('GET /api/version needs no log-in and matches its schema', async (t) => {
  const s = await startTestServer(t, { demo: false })
  const res = await s.app.inject({ url: '/api/version' })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(validator().check('api-version.schema.json', body), null)
  t.equal(body.version, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version)
  t.equal(body.schemas, contractHash(), 'the fingerprint of schemas/')
})

t.test('the fingerprint depends on every byte and name, not on listing order', async (t) => {
  const dir = testFolder(t, 'version')
  const names = schemaNames(dir)
  const first = contractHash(dir, names)
  t.match(first, /^[0-9a-f]{64}$/)
  t.equal(contractHash(dir, [...names].reverse()), first, 'order of the listing does not matter')
  writeFileSync(join(dir, 'state.schema.json'), readFileSync(join(dir, 'state.schema.json'), 'utf8') + ' ')
  t.not(contractHash(dir, names), first, 'one more byte changes it')
  const withRoutes = contractHash(dir, names)
  writeFileSync(join(dir, 'routes/assets.routes.json'), readFileSync(join(dir, 'routes/assets.routes.json'), 'utf8') + ' ')
  t.not(contractHash(dir, names), withRoutes, 'a changed route file changes it (a path or an access is contract too)')
  t.not(contractHash(dir, names.slice(1)), contractHash(dir, names), 'one file fewer changes it')
})

t.test('the add-on computes the same fingerprint over the copy it ships (python3, validate.contract_hash)', async (t) => {
  // validate.py imports schema_lite relatively, so it is imported as a module of the add-on's package
  // (blender-addon/tests/addon_modules.py), without rfam/__init__.py and its bpy.
  const tests = join(repoRoot, 'blender-addon', 'tests')
  const r = spawnSync('python3', ['-c', [
    'import sys', 'sys.path.insert(0, sys.argv[1])', 'from addon_modules import addon_module',
    'validate = addon_module("validate")', 'print(validate.SCHEMA_DIR)', 'print(validate.contract_hash())',
  ].join('\n'), tests], { encoding: 'utf8' })
  t.equal(r.status, 0, r.stderr)
  const [dir, hash] = r.stdout.trim().split('\n')
  t.equal(dir, join(repoRoot, 'blender-addon', 'rfam', 'schemas'), 'over the copy the add-on ships')
  t.equal(hash, contractHash())
})
