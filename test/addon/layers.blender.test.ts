// The add-on's modules as layers (docs/addon.md, "Layers"): blender-addon/tests/layers.py reads the
// sources with Python's ast and checks that imports only go down the layer table and never round in
// a circle, including imports hidden inside functions (this side shows that each such mistake fails
// it). Then each module is imported alone in a fresh Blender (blender-addon/tests/import_alone.py,
// with a stand-in package so rfam/__init__.py does not import everything first): it loads exactly
// what its own imports say. Last, the whole add-on enables and disables twice and leaves nothing.
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'

const blender = '/usr/bin/blender'
const addonDir = join(repoRoot, 'blender-addon')
const layersScript = join(addonDir, 'tests', 'layers.py')
const aloneScript = join(addonDir, 'tests', 'import_alone.py')

interface Layers { layers: Record<string, number>, imports: Record<string, string[]> }

function layersPy (...args: string[]): { status: number | null, out: string } {
  const r = spawnSync('python3', [layersScript, ...args], { encoding: 'utf8' })
  if (r.error) throw r.error
  return { status: r.status, out: r.stdout + r.stderr }
}

/** A copy of the add-on's sources to break on purpose. */
function copyOfRfam (t: { testdir: () => string }): string {
  const dir = join(t.testdir(), 'rfam')
  cpSync(join(addonDir, 'rfam'), dir, { recursive: true, filter: (f) => basename(f) !== 'schemas' })
  return dir
}

function edit (file: string, change: (text: string) => string): void {
  const before = readFileSync(file, 'utf8')
  const after = change(before)
  if (after === before) throw new Error(`${file} did not change`)
  writeFileSync(file, after)
}

/** Every module `name` reaches through its imports, itself included. */
function reach (imports: Record<string, string[]>, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen
  seen.add(name)
  for (const next of imports[name] ?? []) reach(imports, next, seen)
  return seen
}

function runBlender (args: string[]): Promise<{ code: number | null, out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(blender, ['-b', '--factory-startup', '--python-exit-code', '1', '--python', aloneScript, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out }))
  })
}

function line (out: string, tag: string): unknown {
  const m = new RegExp(`^${tag} (.*)$`, 'm').exec(out)
  return m ? JSON.parse(m[1]!) : null
}

t.test('the imports between the add-on\'s modules go down the layers, never round', async (t) => {
  const r = layersPy()
  t.equal(r.status, 0, r.out)
  t.match(r.out, /^5 passed, 0 failed$/m)
  const { layers, imports }: Layers = JSON.parse(layersPy('--json').out)
  t.same(Object.keys(layers).sort(), Object.keys(imports).sort(), 'every module has a layer, and every layer entry a module')
  t.same(imports.state, ['words'], 'the cache imports nothing of the add-on but its words')
  t.same(imports.words, [], 'which import nothing')
  t.same(imports.preferences, [], 'nor does reading the preferences')
  for (const feature of ['session', 'render']) t.notOk(imports[feature]!.includes('asset_ops'), `${feature} does not import asset_ops (it calls it back)`)
})

t.test('each mistake fails the check, naming where', async (t) => {
  t.test('a circle hidden in a function', async (t) => {
    const dir = copyOfRfam(t)
    edit(join(dir, 'render.py'), (s) => s.replace('def is_active(job):\n', 'def is_active(job):\n    from . import asset_ops  # noqa\n'))
    const r = layersPy(dir)
    t.equal(r.status, 1)
    t.match(r.out, /render\.py:\d+ imports asset_ops inside a function or class/)
    t.match(r.out, /the imports go round in a circle: asset_ops -> render -> asset_ops/)
    t.match(r.out, /^3 passed, 2 failed$/m)
  })
  t.test('an import upwards', async (t) => {
    const dir = copyOfRfam(t)
    edit(join(dir, 'state.py'), (s) => s.replace('import bpy\n', 'import bpy\n\nfrom . import panel  # noqa\n'))
    const r = layersPy(dir)
    t.equal(r.status, 1)
    t.match(r.out, /state\.py:\d+ imports panel upwards: state is layer 1 \(base\), panel is layer 3 \(ui\)/)
    t.match(r.out, /the imports go round in a circle: .*state -> panel -> /)
  })
  t.test('a circle inside one layer', async (t) => {
    const dir = copyOfRfam(t)
    edit(join(dir, 'session.py'), (s) => s.replace('from . import api, client, validate, words\n', 'from . import api, asset_ops, client, validate, words  # noqa\n'))
    const r = layersPy(dir)
    t.equal(r.status, 1)
    t.notMatch(r.out, /upwards/, 'sideways within the features layer is allowed')
    t.match(r.out, /the imports go round in a circle: asset_ops -> .*session -> asset_ops$/m)
  })
  t.test('a module without a layer, and a header that says another', async (t) => {
    const dir = copyOfRfam(t)
    writeFileSync(join(dir, 'extra.py'), '# Layer 2 (features): something new.\n')
    edit(join(dir, 'panel.py'), (s) => s.replace('# Layer 3 (ui):', '# Layer 1 (base):'))
    const r = layersPy(dir)
    t.equal(r.status, 1)
    t.match(r.out, /extra\.py has no layer in the table/)
    t.match(r.out, /panel\.py's first line should be '# Layer 3 \(ui\): <its concern>'/)
  })
})

t.test('each module imports alone in a fresh Blender, and loads only what it imports', { skip: existsSync(blender) ? false : `${blender} is not installed` }, async (t) => {
  const { imports }: Layers = JSON.parse(layersPy('--json').out)
  for (const name of Object.keys(imports).filter((m) => m !== '__init__')) {
    const run = await runBlender([addonDir, name])
    if (run.code !== 0) t.comment(run.out.slice(-4000))
    t.equal(run.code, 0, `rfam.${name} imports alone`)
    t.same(line(run.out, 'RFAM_IMPORTED'), { module: name, loaded: [...reach(imports, name)].sort() }, `rfam.${name} loads exactly what it imports`)
  }
})

t.test('the add-on enables and disables twice, leaving nothing behind', { skip: existsSync(blender) ? false : `${blender} is not installed` }, async (t) => {
  const run = await runBlender([addonDir, '--enable'])
  if (run.code !== 0) t.comment(run.out.slice(-4000))
  t.equal(run.code, 0)
  const steps = line(run.out, 'RFAM_ENABLED') as Record<string, Record<string, unknown>>
  const on = {
    enabled: true,
    preferences: ['project', 'server_url', 'token', 'user'],
    panels: ['VIEW3D_PT_rfam', 'VIEW3D_PT_rfam_asset', 'VIEW3D_PT_rfam_render'],
    windowManagerField: true,
    pickerField: true,
    handlers: ['rfam.asset_ops', 'rfam.asset_ops'],
    operators: ['cancel_render', 'connect', 'copy_log', 'find_people', 'login', 'logout', 'notifications_read', 'notify_report', 'preflight', 'refresh', 'register_asset', 'submit_render', 'update_asset'],
    callbacks: ['after login', 'on job finished'],
    pictureSlots: ['asset_ops', 'render'],
  }
  const off = { enabled: false, preferences: [], panels: [], windowManagerField: false, pickerField: false, handlers: [], operators: [], callbacks: [], pictureSlots: [] }
  t.same(steps, { enabled: on, disabled: off, enabledAgain: on, disabledAgain: off })
})
