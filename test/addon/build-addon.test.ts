// scripts/build-addon.ts: the zip installs as rfam/… (what Blender 3.x and 4.2+ both accept), holds
// exactly the add-on's files and the contract, is byte-for-byte reproducible, and refuses to build
// when bl_info, the manifest and package.json disagree on the version.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildAddon } from '../../scripts/build-addon.ts'
import { addonDir, addonFiles, addonVersion, contractFiles } from '../../server/addon/addon-archive.ts'
import { zip } from '../../server/addon/zip-writer.ts'
import { schemaDir } from '../../schemas/load.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { testFolder } from '../helpers/folders.ts'

/** Lists and reads a zip with Python's zipfile (an independent reader), checking every CRC. */
function readZip (file: string): { names: string[], bad: string | null, modes: number[], sample: string } {
  const r = spawnSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"names": z.namelist(), "bad": z.testzip(), "modes": sorted({i.external_attr >> 16 for i in z.infolist()}),
                  "sample": z.read("rfam/blender_manifest.toml").decode()}))`, file], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout)
}

t.test('the zip holds rfam/ with every add-on file and the contract, and nothing else', async (t) => {
  const dir = testFolder(t, 'addon-zip')
  const built = buildAddon({ outFile: join(dir, 'a.zip'), contractFrom: schemaDir })
  const z = readZip(built.file)
  t.equal(z.bad, null, 'every entry\'s CRC is right')
  const expected = [...addonFiles().filter((f) => !f.startsWith('schemas/')), ...contractFiles(schemaDir).map((f) => `schemas/${f}`)].sort()
  t.same(z.names, expected.map((f) => `rfam/${f}`), 'one top folder named like the package; the contract from schemas/')
  for (const f of ['__init__.py', 'blender_manifest.toml', 'schema_lite.py', 'schema_checks.py', 'schema_run.py', 'json_values.py',
    'js_regex.py', 'json_formats.py', 'validate.py', 'client.py', 'panel.py', 'preflight.py', 'render.py']) {
    t.ok(z.names.includes(`rfam/${f}`), `${f} ships`)
  }
  for (const f of contractFiles(schemaDir)) t.ok(z.names.includes(`rfam/schemas/${f}`), `the contract's ${f} ships`)
  t.notOk(z.names.some((n) => n.includes('__pycache__') || n.endsWith('.pyc') || n.includes('/tests/')), 'no byte code, no tests')
  t.same(z.modes, [0o100644], 'plain readable files')
  t.match(z.sample, /^id = "rfam"$/m)
  t.match(z.sample, /^\[permissions\]\nnetwork = "Talks to the RFAM server"$/m)
  t.equal(built.version, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version)

  const again = buildAddon({ outFile: join(dir, 'b.zip'), contractFrom: schemaDir })
  t.ok(readFileSync(again.file).equals(readFileSync(built.file)), 'two builds are byte-for-byte the same')
})

t.test('the zip writer round-trips names and bytes (UTF-8 names, empty and binary files)', async (t) => {
  const dir = testFolder(t, 'addon-zip')
  const entries = [
    { name: 'rfam/blender_manifest.toml', data: Buffer.from('id = "rfam"\n') },
    { name: 'rfam/empty.txt', data: Buffer.alloc(0) },
    { name: 'rfam/crème.bin', data: Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)) },
  ]
  const file = join(dir, 'x.zip')
  writeFileSync(file, zip(entries))
  const r = spawnSync('python3', ['-c', `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))`, file], { encoding: 'utf8' })
  t.equal(r.status, 0, r.stderr)
  t.same(JSON.parse(r.stdout), Object.fromEntries(entries.map((e) => [e.name, createHash('sha256').update(e.data).digest('hex')])))
})

t.test('versions that disagree stop the build with a sentence naming all three', async (t) => {
  const dir = testFolder(t, 'addon-ver')
  cpSync(join(addonDir, '__init__.py'), join(dir, '__init__.py'))
  writeFileSync(join(dir, 'blender_manifest.toml'), readFileSync(join(addonDir, 'blender_manifest.toml'), 'utf8').replace(/^version = ".*"$/m, 'version = "9.9.9"'))
  t.throws(() => addonVersion(dir), /The add-on's versions differ: bl_info \d+\.\d+\.\d+, blender_manifest\.toml 9\.9\.9, package\.json \d+\.\d+\.\d+\. Make them equal\./)
  writeFileSync(join(dir, 'blender_manifest.toml'), 'id = "rfam"\n')
  t.throws(() => addonVersion(dir), /blender_manifest\.toml: no version = "x\.y\.z" line/)
  t.equal(addonVersion(), addonVersion(addonDir), 'the real add-on agrees with itself')
})
