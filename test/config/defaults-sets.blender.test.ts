// The shipped defaults sets: every JSON file matches its schema and the sets hang together, and
// every template .blend, opened in real Blender, renders the way the farm expects.
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { validator } from '../../schemas/validator.ts'
import { testFolder } from '../helpers/folders.ts'

const root = resolve(import.meta.dirname, '../../config/defaults')
const inspector = resolve(import.meta.dirname, 'inspect-templates.py')
const blender = '/usr/bin/blender'
const setNames = ['2K Scope Cycles', '2K Scope Eevee', 'Full HD Cycles', 'Full HD Eevee']
const maxTemplateBytes = 300 * 1024

// The type of `t` inside a subtest (tap builds it from its plugins).
type TapTest = Parameters<Parameters<typeof t.test>[0]>[0]

interface Named { ident: string, [key: string]: unknown }

function readJson (path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown
}

function jsonFiles (dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
}

/** Validates every file of one folder against a schema and checks its ident is its file name. */
function checkFolder (t: TapTest, dir: string, schema: string): Map<string, Named> {
  const found = new Map<string, Named>()
  for (const file of jsonFiles(dir)) {
    const data = readJson(join(dir, file))
    t.equal(validator().check(schema, data), null, `${file} matches ${schema}`)
    const doc = data as Named
    t.equal(`${doc.ident}.json`, file, `${file}: ident equals the file name`)
    found.set(doc.ident, doc)
  }
  return found
}

t.test('the four shipped sets are there, and only they', async (t) => {
  const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  t.same(dirs, [...setNames].sort())
})

for (const set of setNames) {
  t.test(`${set}: JSON files`, async (t) => {
    const dir = join(root, set)
    const priority = readJson(join(dir, 'priority.json'))
    t.equal(validator().check('priority-scheme.schema.json', priority), null, 'priority.json matches its schema')
    const { low, high } = priority as { low: number, high: number }
    t.ok(high > low, 'priority high is above low')

    const states = checkFolder(t, join(dir, 'states'), 'state.schema.json')
    t.same([...states.keys()].sort(), ['ac', 'ic', 'mod', 'ns', 'po', 'ref', 'rig', 'us'], 'the eight states')

    const types = checkFolder(t, join(dir, 'types'), 'asset-type.schema.json')
    t.same([...types.keys()].sort(), ['ani', 'char', 'comp', 'mat', 'other', 'prop', 'set', 'shot', 'video'], 'the nine types')
    const typesDir = join(dir, 'types')
    const referenced = new Set<string>()
    for (const [ident, type] of types) {
      const offered = type.states as string[]
      t.ok(offered.includes(type.state as string), `${ident}: its first state "${String(type.state)}" is one it offers`)
      for (const s of offered) t.ok(states.has(s), `${ident}: state "${s}" exists in states/`)
      if (typeof type.file === 'string') {
        referenced.add(type.file)
        t.ok(existsSync(join(typesDir, type.file)), `${ident}: template ${type.file} exists`)
      }
    }
    const blends = readdirSync(typesDir).filter((f) => !f.endsWith('.json')).sort()
    t.same(blends, [...referenced].sort(), 'every template in types/ belongs to a type, and nothing else is there')
    for (const file of blends) {
      const size = statSync(join(typesDir, file)).size
      t.ok(size < maxTemplateBytes, `${file} is small (${Math.round(size / 1024)} kB)`)
    }
  })
}

t.test('the JSON is the same in every set; only the templates differ', async (t) => {
  const jsonOf = (set: string): Record<string, string> => {
    const out: Record<string, string> = { 'priority.json': readFileSync(join(root, set, 'priority.json'), 'utf8') }
    for (const sub of ['states', 'types']) {
      for (const f of jsonFiles(join(root, set, sub))) out[`${sub}/${f}`] = readFileSync(join(root, set, sub, f), 'utf8')
    }
    return out
  }
  const first = jsonOf(setNames[0]!)
  for (const set of setNames.slice(1)) t.same(jsonOf(set), first, `${set} matches ${setNames[0]}`)
})

t.test('the Final type renders one video; render types are flagged', async (t) => {
  const types = (name: string): Named => readJson(join(root, setNames[0]!, 'types', `${name}.json`)) as Named
  t.equal(types('video').video, true)
  for (const name of ['char', 'prop', 'set', 'shot', 'comp', 'mat', 'ani', 'other']) t.equal(types(name).video, false, `${name} renders frames`)
  for (const name of ['shot', 'comp', 'video']) t.equal(types(name).render, true, `${name} is renderable`)
  t.notOk('file' in types('other'), 'other has no file')
})

// ---- real Blender ----

interface TemplateFacts {
  set: string
  type: string
  file: string
  scenes: number
  engine: string
  resolution: [number, number, number]
  frames: [number, number, number]
  fps: number
  fileFormat: string
  movie: boolean
  output: string
  texts: string[]
  camera: string | null
  lights: number
  meshes: number
  externalFiles: string[]
  ffmpeg?: { format: string, codec: string }
  cycles?: { device: string, samples: number, denoising: boolean, previewDenoising: boolean, denoiseNodes: boolean }
}
interface Report { templates: TemplateFacts[], render: { file: string, exists: boolean } }

const noBlender = existsSync(blender) ? false : `${blender} is not installed, so the templates cannot be opened`

/** Width and height from a PNG's IHDR chunk. */
function pngSize (path: string): [number, number] {
  const head = readFileSync(path).subarray(0, 24)
  if (head.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${path} is not a PNG`)
  return [head.readUInt32BE(16), head.readUInt32BE(20)]
}

t.test('templates opened in Blender', { skip: noBlender }, async (t) => {
  const out = testFolder(t, 'templates')
  const { stdout } = await promisify(execFile)(blender, [
    '-b', '--factory-startup', '--python-exit-code', '1', '--python', inspector,
    '--', root, out, 'Full HD Cycles', 'shot.blend',
  ], { maxBuffer: 64 * 1024 * 1024 })
  const line = stdout.split('\n').find((l) => l.startsWith('RFAM_TEMPLATES_JSON='))
  if (!line) throw new Error(`the inspector printed no report:\n${stdout}`)
  const report = JSON.parse(line.slice('RFAM_TEMPLATES_JSON='.length)) as Report

  t.equal(report.templates.length, setNames.length * 8, 'eight templates in each of the four sets')
  for (const f of report.templates) {
    const name = `${f.set}/${f.file}`
    const wide = f.set.startsWith('2K Scope')
    t.same(f.resolution, wide ? [2048, 858, 100] : [1920, 1080, 100], `${name}: resolution`)
    t.equal(f.engine, f.set.endsWith('Cycles') ? 'CYCLES' : 'BLENDER_EEVEE', `${name}: engine`)
    t.equal(f.fps, 24, `${name}: 24 fps`)
    t.equal(f.scenes, 1, `${name}: one scene`)
    t.ok(f.camera, `${name}: has a camera`)
    t.ok(f.lights >= 1, `${name}: has a light`)
    t.ok(f.meshes >= 1, `${name}: has something to render`)
    t.same(f.texts, [], `${name}: carries no Python text blocks`)
    t.same(f.externalFiles, [], `${name}: needs no other file`)
    t.ok(f.output.startsWith('//render/'), `${name}: output path ${f.output} is relative`)
    if (f.type === 'video') {
      t.same(f.frames, [1, 1440, 1], `${name}: frames 1-1440`)
      t.equal(f.fileFormat, 'FFMPEG', `${name}: writes one video`)
      t.same(f.ffmpeg, { format: 'MPEG4', codec: 'H264' }, `${name}: MPEG-4 with H.264`)
    } else {
      t.equal(f.movie, false, `${name}: writes images (${f.fileFormat}), never a movie per frame`)
      t.match(f.output, /#/, `${name}: output names each frame`)
    }
    if (f.type === 'shot' || f.type === 'comp') t.same(f.frames, [1, 96, 1], `${name}: frames 1-96`)
    if (f.cycles) {
      t.equal(f.cycles.denoising, false, `${name}: denoising off (no OpenImageDenoise in Debian's Blender)`)
      t.equal(f.cycles.previewDenoising, false, `${name}: viewport denoising off`)
      t.equal(f.cycles.denoiseNodes, false, `${name}: no Denoise node`)
      t.equal(f.cycles.device, 'CPU', `${name}: renders on the CPU`)
      t.ok(f.cycles.samples <= 256, `${name}: modest samples (${f.cycles.samples})`)
    }
  }

  t.ok(report.render.exists, 'Full HD Cycles shot.blend rendered frame 1')
  t.same(pngSize(report.render.file), [96, 54], 'a PNG at 5 % of 1920x1080')
})
