// GET /api/projects/:project/files?ext=blend: every .blend file of the project, assets or not, for the
// Rendering page's "show every .blend file"; old/, dot-files and links leading out are never listed.
import t from 'tap'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { validator } from '../../schemas/validator.ts'
import { listFiles } from '../../server/routes/api/files.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'

const url = '/api/projects/demo/files'

t.test('a bad or missing extension is refused with a sentence', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  for (const [query, message] of [
    ['', /Say which files to list/],
    ['?ext=', /Say which files to list/],
    ['?ext=.blend', /not a file extension/],
    ['?ext=../x', /not a file extension/],
    ['?ext=blend&ext=json', /not a file extension/],
    [`?ext=${'a'.repeat(17)}`, /not a file extension/],
  ] as const) {
    const res = await s.app.inject({ url: url + query, headers: { cookie } })
    t.equal(res.statusCode, 400, `${query || '(none)'}: ${res.body}`)
    t.match(res.json(), { code: 'RFAM_BAD_EXTENSION', message }, query || '(none)')
  }
})

t.test('no log-in, no list; another project, no list', async (t) => {
  const s = await startTestServer(t)
  t.equal((await s.app.inject({ url: `${url}?ext=blend` })).statusCode, 401)
  const { cookie } = await logIn(s, 'alex')
  const other = await s.app.inject({ url: '/api/projects/elsewhere/files?ext=blend', headers: { cookie } })
  t.equal(other.statusCode, 403, other.body)
})

t.test('assets first, then loose files; old/, dot-files and links out are skipped', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const dir = s.projectDir()
  const outside = testFolder(t, 'outside')
  writeFileSync(join(outside, 'secret.blend'), 'x')
  mkdirSync(join(dir, 'tests', 'deep', 'er'), { recursive: true })
  writeFileSync(join(dir, 'tests', 'deep', 'er', 'light test.blend'), 'BLENDER')
  writeFileSync(join(dir, 'tests', 'LOUD.BLEND'), 'BLENDER')
  writeFileSync(join(dir, 'tests', 'notes.blend1'), 'backup')
  mkdirSync(join(dir, 'tests', 'old'), { recursive: true })
  writeFileSync(join(dir, 'tests', 'old', 'checkpoint.blend'), 'BLENDER')
  mkdirSync(join(dir, '.trash'), { recursive: true })
  writeFileSync(join(dir, '.trash', 'gone.blend'), 'BLENDER')
  writeFileSync(join(dir, 'tests', '.autosave.blend'), 'BLENDER')
  symlinkSync(join(outside, 'secret.blend'), join(dir, 'tests', 'link-out.blend'))
  symlinkSync(outside, join(dir, 'tests', 'folder-out'))
  symlinkSync(join(dir, 'tests', 'LOUD.BLEND'), join(dir, 'tests', 'link-in.blend'))
  symlinkSync(dir, join(dir, 'tests', 'loop'))

  const res = await s.app.inject({ url: `${url}?ext=blend`, headers: { cookie } })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(validator().check('api-file-list.schema.json', body), null, 'the reply matches its schema')
  t.equal(body.truncated, false)
  const paths: string[] = body.files.map((f: { path: string }) => f.path)
  const assets = (await s.app.inject({ url: '/api/projects/demo/assets', headers: { cookie } })).json().assets
    .filter((a: { path: string, file: unknown }) => a.path.endsWith('.blend') && a.file).map((a: { path: string }) => a.path).sort()
  t.ok(assets.length > 0, 'the demo has .blend assets')
  t.same(paths.slice(0, assets.length), assets, 'the assets come first, by path')
  t.same(paths.slice(assets.length), ['tests/deep/er/light test.blend', 'tests/link-in.blend', 'tests/LOUD.BLEND'].sort((a, b) => a.localeCompare(b)),
    'then the loose files; no old/, no dot-files, no .blend1, no link out, no loop')
  t.ok(body.files.every((f: { path: string, asset: boolean }) => f.asset === assets.includes(f.path)), 'asset marks what has a sidecar')
  t.match(body.files.find((f: { path: string }) => f.path === 'tests/LOUD.BLEND'), { size: 7, modified: /^\d{4}-\d\d-\d\dT/ })
})

t.test('a huge folder answers with the first files and says so', async (t) => {
  const dir = testFolder(t, 'files')
  for (let i = 0; i < 12; i++) writeFileSync(join(dir, `f${i}.blend`), '')
  const some = await listFiles(dir, 'blend', 10)
  t.equal(some.files.length, 10)
  t.equal(some.truncated, true)
  const all = await listFiles(dir, 'blend', 12)
  t.equal(all.truncated, false, 'exactly the limit is not truncated')
})
