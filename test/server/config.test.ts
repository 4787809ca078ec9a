import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { loadConfig, repoRoot } from '../../server/config/load-config.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { testFolder } from '../helpers/folders.ts'
import { parseLogLine } from '../helpers/logs.ts'

t.test('the shipped configuration loads, with defaults filled in', async (t) => {
  const c = loadConfig(join(repoRoot, 'config', 'server.json'))
  t.equal(c.host, '127.0.0.1', 'loopback by default')
  t.equal(c.port, 8080)
  t.equal(c.farm.maxRetries, 3, 'nested defaults are applied')
  t.ok(c.shares.has('data'))
})

t.test('a bad configuration names the file, the field and what was expected', async (t) => {
  const d = testFolder(t, 'config')
  const file = join(d, 'server.json')
  writeFileSync(file, '{ "shares": [ { "ident": "data", "path": "x" } ], "port": "eighty" }')
  t.throws(() => loadConfig(file), { message: new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: /port must be integer`) })
  writeFileSync(file, '{ "shares": [ { "ident": "data", "path": "x" } ], "colour": "red" }')
  t.throws(() => loadConfig(file), { message: /unknown field "colour"/ })
  writeFileSync(file, '{ "shares": [ { "ident": "data", "path": "x" } ], ')
  t.throws(() => loadConfig(file), { message: /not valid JSON/ })
  writeFileSync(file, '{ "port": 1 }')
  t.throws(() => loadConfig(file), { message: /must have required property 'shares'/ })
  writeFileSync(file, '{ "shares": [ { "ident": "Data!", "path": "x" } ] }')
  t.throws(() => loadConfig(file), { message: /\/shares\/0\/ident must match pattern/ })
  t.throws(() => loadConfig(join(d, 'missing.json')), { message: /missing.json: no such file/ })
})

t.test('npm start refuses a bad file with a one-line reason and exit code 1', async (t) => {
  const d = testFolder(t, 'config')
  const file = writeTestConfig(d, { defaultSet: 'No Such Set' })
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'server', 'main.ts')], { env: { ...process.env, RFAM_CONFIG: file, RFAM_LOG_FORMAT: 'json' }, encoding: 'utf8', timeout: 60_000 })
  t.equal(run.status, 1)
  const lines = run.stdout.trim().split('\n')
  t.equal(lines.length, 1, 'one line')
  t.match(parseLogLine(lines[0]!), { level: 'fatal', name: 'server', msg: 'RFAM cannot start', reason: /defaultSet "No Such Set" is not one of the defaults sets/ })
})
