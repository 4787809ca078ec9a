// POST /api/projects/:project/assets with register: true makes a file that is already in the
// project (saved from Blender) an asset where it sits, copying nothing; the add-on's
// "Make it an asset" button sends it.
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { validator } from '../../schemas/validator.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const api = '/api/projects/demo/assets'

t.test('an existing file becomes an asset where it is, its bytes untouched', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'sam')
  const file = join(s.projectDir(), 'props', 'cake_v2.blend')
  writeFileSync(file, TINY_BLEND)
  const res = await s.app.inject({ method: 'POST', url: api, headers: { cookie }, payload: { name: 'Cake v2', type: 'prop', path: 'props/cake_v2.blend', register: true, description: 'bigger cherry' } })
  t.equal(res.statusCode, 201, res.body)
  t.equal(validator().check('api-asset-view.schema.json', res.json()), null)
  t.match(res.json(), { path: 'props/cake_v2.blend', file: { exists: true }, meta: { name: 'Cake v2', type: 'prop', state: 'ns', creator: 'sam', description: 'bigger cherry' } })
  t.equal(readFileSync(file, 'utf8'), TINY_BLEND, 'no template was copied over it')
  t.match(JSON.parse(readFileSync(file + '.json', 'utf8')), { name: 'Cake v2', type: 'prop' }, 'the sidecar is beside it')

  const deep = join(s.projectDir(), 'shots', 'extra', 'shot_099.blend')
  mkdirSync(join(deep, '..'), { recursive: true })
  writeFileSync(deep, TINY_BLEND)
  const odd = await s.app.inject({ method: 'POST', url: api, headers: { cookie }, payload: { name: 'Shot 099', type: 'shot', path: 'shots/extra/shot_099.blend', register: true } })
  t.equal(odd.statusCode, 201, 'a file outside its type\'s folder is registered where it sits')
})

t.test('every wrong register request gets a clear 4xx and changes nothing', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'sam')
  const post = (payload: Record<string, unknown>) => s.app.inject({ method: 'POST', url: api, headers: { cookie }, payload })
  const nopath = await post({ name: 'X', type: 'prop', register: true })
  t.equal(nopath.statusCode, 400)
  t.match(nopath.json(), { code: 'RFAM_PATH_NEEDED', message: /send its path/ })

  const missing = await post({ name: 'X', type: 'prop', path: 'props/nothing.blend', register: true })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { code: 'RFAM_NO_FILE', message: 'There is no file "props/nothing.blend" in the project to register; save it there first.' })
  t.notOk(existsSync(join(s.projectDir(), 'props', 'nothing.blend.json')), 'no sidecar for a file that is not there')

  mkdirSync(join(s.projectDir(), 'props', 'folder.blend'))
  const folder = await post({ name: 'X', type: 'prop', path: 'props/folder.blend', register: true })
  t.equal(folder.statusCode, 400, 'a folder is not a file')

  const before = readFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), 'utf8')
  const twice = await post({ name: 'Cake again', type: 'prop', path: 'props/cake.blend', register: true })
  t.equal(twice.statusCode, 409)
  t.match(twice.json().message, '"props/cake.blend" is already an asset.')
  t.equal(readFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), 'utf8'), before, 'the sidecar is untouched')

  const out = await post({ name: 'X', type: 'prop', path: '../elsewhere.blend', register: true })
  t.equal(out.statusCode, 400, 'nothing outside the project')
  const bad = await post({ name: 'X', type: 'prop', path: 'props/cake.blend', register: 'yes' })
  t.equal(bad.statusCode, 400, 'register must be a boolean')

  writeFileSync(join(s.projectDir(), 'props', 'plain.blend'), 'x')
  const plain = await post({ name: 'Plain', type: 'prop', path: 'props/plain.blend' })
  t.equal(plain.statusCode, 409, 'without register, an existing file is still never overwritten by a template')
  t.equal(readFileSync(join(s.projectDir(), 'props', 'plain.blend'), 'utf8'), 'x')
})

t.test('a file named .blend that is no .blend is refused at once, saying what to do', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'sam')
  const post = (payload: Record<string, unknown>) => s.app.inject({ method: 'POST', url: api, headers: { cookie }, payload })
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['props/random.blend', Buffer.from([0x8f, 0x13, 0x00, 0xfe, 0x42, 0x99, 0x07, 0x61, 0x5c, 0x2e, 0x11, 0x00]), /"props\/random\.blend" is not a \.blend file: it starts with the bytes 8f 13 00 fe.*save it as props\/random\.blend \(File > Save As\)/],
    ['props/notes.blend', 'my shopping list', /"props\/notes\.blend" is not a \.blend file: it starts with "my shopp"/],
    ['props/empty.blend', '', /"props\/empty\.blend" is empty \(0 bytes\).*Save your work in Blender/],
    ['props/half.blend', 'BLENDER-v304REND', /"props\/half\.blend" is cut short.*Save it again from Blender/],
  ]
  for (const [path, bytes, says] of cases) {
    writeFileSync(join(s.projectDir(), path), bytes)
    const res = await post({ name: 'X', type: 'prop', path, register: true })
    t.equal(res.statusCode, 400, path)
    t.match(res.json(), { code: 'RFAM_NOT_BLEND', message: says }, path)
    t.notMatch(res.json().message, s.projectDir(), 'the server\'s own folders stay out of the sentence')
    t.notOk(existsSync(join(s.projectDir(), `${path}.json`)), 'no sidecar was written')
  }
  // Registering is not only for .blend files: anything else is taken as it is.
  writeFileSync(join(s.projectDir(), 'props', 'notes.txt'), 'my shopping list')
  t.equal((await post({ name: 'Notes', type: 'prop', path: 'props/notes.txt', register: true })).statusCode, 201)
})
