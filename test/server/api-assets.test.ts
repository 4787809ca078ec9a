import t from 'tap'
import { existsSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { validator } from '../../schemas/validator.ts'
import { logIn } from '../helpers/login.ts'

const api = '/api/projects/demo'

t.test('create an asset from its type template, then read, change, checkpoint and delete it', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const created = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: 'Magic Whisk', type: 'prop', description: 'sparkles' } })
  t.equal(created.statusCode, 201, created.body)
  const view = created.json()
  t.equal(view.path, 'props/magic_whisk.blend', 'directory and file name derived from type and name')
  t.equal(validator().check('api-asset-view.schema.json', view), null, 'the reply matches its schema')
  const file = join(s.projectDir(), 'props/magic_whisk.blend')
  t.equal(readFileSync(file).subarray(0, 4).toString('hex'), '28b52ffd', 'the template (a zstd-compressed .blend) was copied')
  t.ok(Date.now() - statSync(file).mtimeMs < 60_000, 'the copy is dated now, not like the template')
  const meta = JSON.parse(readFileSync(file + '.json', 'utf8'))
  t.match(meta, { name: 'Magic Whisk', type: 'prop', state: 'ns', priority: 30, creator: 'alex', owner: null, description: 'sparkles' })

  const again = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: 'Magic Whisk', type: 'prop' } })
  t.equal(again.statusCode, 409, 'the same name twice is refused, nothing overwritten')
  t.match(again.json(), { code: 'RFAM_NAME_TAKEN', message: 'There is already an asset called “Magic Whisk” (props/magic_whisk.blend). Give this one another name, so nobody mixes them up.' })
  const sameFile = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: 'Magic Whisk 2', type: 'prop', path: 'props/magic_whisk.blend' } })
  t.equal(sameFile.statusCode, 409, 'the same file name twice is refused too')
  t.match(sameFile.json().message, /already exists/)
  const caseOnly = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: ' magic whisk ', type: 'prop', path: 'props/other.blend' } })
  t.match(caseOnly.json(), { code: 'RFAM_NAME_TAKEN' }, 'a name differing only in case or spaces around counts as the same')

  const note = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: 'Shot list', type: 'other' } })
  t.equal(note.json().path, 'other/shot_list')
  t.equal(note.json().file, null, 'a file-less type creates only its JSON')
  const note2 = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: 'Shot list', type: 'other' } })
  t.equal(note2.statusCode, 409, 'file-less assets are not silently overwritten either (a bug of the original)')

  const patched = await s.app.inject({ method: 'PATCH', url: `${api}/assets/props/magic_whisk.blend`, headers: { cookie }, payload: { owner: 'alex', state: 'ic', priority: 80, support: ['mia'] } })
  t.equal(patched.statusCode, 200, patched.body)
  t.match(JSON.parse(readFileSync(file + '.json', 'utf8')), { owner: 'alex', state: 'ic', priority: 80, support: ['mia'], description: 'sparkles' }, 'the change is on disk')

  const cp = await s.app.inject({ method: 'POST', url: `${api}/checkpoints/props/magic_whisk.blend`, headers: { cookie } })
  t.equal(cp.statusCode, 201)
  t.match(cp.json().checkpoint, /^props\/old\/magic_whisk\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.blend$/, 'no spaces or colons in the name')
  t.ok(existsSync(join(s.projectDir(), cp.json().checkpoint)))

  const del = await s.app.inject({ method: 'DELETE', url: `${api}/assets/props/magic_whisk.blend`, headers: { cookie } })
  t.equal(del.statusCode, 204)
  t.notOk(existsSync(file), 'the file left its folder')
  const old = readdirSync(join(s.projectDir(), 'props', 'old'))
  t.ok(old.some((n) => n.endsWith('.blend.json')) && old.filter((n) => n.endsWith('.blend')).length === 2, 'file and sidecar were moved into old/, next to the checkpoint')
  const list = (await s.app.inject({ url: `${api}/assets`, headers: { cookie } })).json()
  t.notOk(list.assets.some((a: { path: string }) => a.path.includes('magic_whisk')), 'old/ is not listed')
})

t.test('names with path characters, markup and emoji become safe file names', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  for (const [name, path] of [['../../etc/passwd', 'props/etc_passwd.blend'], ['<img src=x onerror=alert(1)>', 'props/img_src_x_onerror_alert_1.blend'], ['"Quoted" \'thing\'', 'props/quoted_thing.blend'], ['🎂🍰', 'props/asset.blend'], ['Crème brûlée', 'props/creme_brulee.blend']]) {
    const res = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name, type: 'prop' } })
    t.equal(res.statusCode, 201, `${name}: ${res.body}`)
    t.equal(res.json().path, path)
    t.equal(res.json().meta.name, name, 'the name itself is kept as typed')
  }
})

t.test('a name another asset has already is refused, on creating and on renaming, with a sentence', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const sidecar = join(s.projectDir(), 'props/cake.blend.json')
  const before = readFileSync(sidecar, 'utf8')
  const renamed = await s.app.inject({ method: 'PATCH', url: `${api}/assets/props/cake.blend`, headers: { cookie }, payload: { name: 'chef bun' } })
  t.equal(renamed.statusCode, 409)
  t.match(renamed.json(), {
    code: 'RFAM_NAME_TAKEN',
    message: 'There is already an asset called “Chef Bun” (characters/chef_bun.blend). Give this one another name, so nobody mixes them up.',
    sentence: { key: 'error:name-taken', params: { name: 'Chef Bun', path: 'characters/chef_bun.blend' } },
  })
  t.equal(readFileSync(sidecar, 'utf8'), before, 'nothing changed on disk')
  const own = await s.app.inject({ method: 'PATCH', url: `${api}/assets/props/cake.blend`, headers: { cookie }, payload: { name: 'CAKE' } })
  t.equal(own.statusCode, 200, 'an asset may keep its own name, in other letters')
})

t.test('bad input gets a clear 4xx and changes nothing on disk', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  const url = `${api}/assets/props/cake.blend`
  const sidecar = join(s.projectDir(), 'props/cake.blend.json')
  const before = readFileSync(sidecar, 'utf8')
  const cases: Array<[string, { method: string, url?: string, payload?: unknown, headers?: Record<string, string> }, number, RegExp]> = [
    ['malformed JSON', { method: 'PATCH', payload: '{"state": "ic",', headers: { 'content-type': 'application/json' } }, 400, /not valid JSON/],
    ['unknown field', { method: 'PATCH', payload: { colour: 'red' } }, 400, /unknown field "colour"/],
    ['wrong type', { method: 'PATCH', payload: { priority: '80' } }, 400, /\/priority must be integer/],
    ['empty change', { method: 'PATCH', payload: {} }, 400, /must NOT have fewer than 1 properties/],
    ['priority out of range', { method: 'PATCH', payload: { priority: 1000 } }, 400, /between 0 and 100/],
    ['state the type does not offer', { method: 'PATCH', payload: { state: 'rig' } }, 400, /cannot be in state "rig"; choose one of Not Started, Incomplete, Usable, Acceptable, Polished/],
    ['unknown type', { method: 'PATCH', payload: { type: 'spaceship' } }, 400, /not an asset type/],
    ['owner outside the project', { method: 'PATCH', payload: { owner: 'stranger' } }, 400, /not in this project/],
    ['reversed frame range', { method: 'PATCH', payload: { frameStart: 10, frameEnd: 2 } }, 400, /comes before/],
    ['dependency escaping the project', { method: 'PATCH', payload: { dependencies: ['../../other/x.blend'] } }, 400, /not allowed/],
    ['asset path escaping the project', { method: 'GET', url: `${api}/assets/..%2F..%2F..%2Fetc%2Fpasswd` }, 400, /leaves its folder/],
    ['create outside the project', { method: 'POST', url: `${api}/assets`, payload: { name: 'x', type: 'prop', path: '../../x.blend' } }, 400, /leaves its folder/],
    ['create into old/', { method: 'POST', url: `${api}/assets`, payload: { name: 'x', type: 'prop', path: 'props/old/x.blend' } }, 400, /cannot be used/],
    ['missing asset', { method: 'PATCH', url: `${api}/assets/props/nope.blend`, payload: { state: 'ic' } }, 404, /no asset "props\/nope.blend"/],
    ['a GET cannot change anything', { method: 'GET', url: `${api}/checkpoints/props/cake.blend` }, 404, /Nothing at GET/],
  ]
  for (const [what, req, status, message] of cases) {
    const res = await s.app.inject({ method: req.method as 'GET', url: req.url ?? url, headers: { cookie, ...req.headers }, payload: req.payload as string })
    t.equal(res.statusCode, status, what)
    t.match(res.json().message, message, what)
    t.equal(validator().check('api-error.schema.json', res.json()), null, `${what}: the error matches ApiError`)
  }
  const big = await s.app.inject({ method: 'PATCH', url, headers: { cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ description: 'x'.repeat(2 * 1024 * 1024) }) })
  t.equal(big.statusCode, 413, 'a huge body is refused')
  t.equal(readFileSync(sidecar, 'utf8'), before, 'nothing was written')
})

t.test('a sidecar holding garbage is listed as broken and never overwritten', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  const sidecar = join(s.projectDir(), 'props/cake.blend.json')
  writeFileSync(sidecar, 'garbage \u0000 {{{')
  await s.app.rfam.workspace.store('demo').index.refresh('props/cake.blend')
  const list = (await s.app.inject({ url: `${api}/assets`, headers: { cookie } })).json()
  const cake = list.assets.find((a: { path: string }) => a.path === 'props/cake.blend')
  t.match(cake.broken, /not valid JSON/)
  t.notOk(cake.meta)
  t.ok(list.assets.length > 5, 'the other assets are still there')
  const res = await s.app.inject({ method: 'PATCH', url: `${api}/assets/props/cake.blend`, headers: { cookie }, payload: { state: 'ic' } })
  t.equal(res.statusCode, 409)
  t.match(res.json().message, /cannot be changed until its sidecar is fixed/)
  t.equal(readFileSync(sidecar, 'utf8'), 'garbage \u0000 {{{', 'the broken file is left exactly as it was')
  const todo = await s.app.inject({ url: `${api}/todo`, headers: { cookie } })
  t.equal(todo.statusCode, 200, 'pages that list assets keep working')
})

t.test('to-do and team follow true priority; boosting lifts what others wait for', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'sam')
  const todo = (await s.app.inject({ url: `${api}/todo`, headers: { cookie } })).json()
  t.equal(validator().check('api-todo.schema.json', structuredClone(todo)), null)
  t.same(todo.assets.map((a: { path: string }) => a.path), ['sets/kitchen.blend', 'materials/kitchen_materials.blend'])
  const kitchen = todo.assets[0]
  t.equal(kitchen.meta.priority, 50)
  t.equal(kitchen.truePriority, 76, 'the kitchen (Incomplete, boostable) sits just above Shot 020 (75), which needs it')
  t.same(kitchen.dependents, ['shots/shot_010_intro.blend', 'shots/shot_020_heist.blend'])
  const alexTodo = (await s.app.inject({ url: `${api}/todo?user=alex`, headers: { cookie } })).json()
  t.same(alexTodo.support.map((x: { owner: string }) => x.owner), ['zoe'], 'Zoë\'s current shot asks Alex for support')
  // Once the kitchen is Usable (not boostable) it falls back to its own priority.
  await s.app.inject({ method: 'PATCH', url: `${api}/assets/sets/kitchen.blend`, headers: { cookie }, payload: { state: 'us' } })
  const after = (await s.app.inject({ url: `${api}/assets/sets/kitchen.blend`, headers: { cookie } })).json()
  t.equal(after.truePriority, 50)
  const team = (await s.app.inject({ url: `${api}/team`, headers: { cookie } })).json()
  t.equal(validator().check('api-team.schema.json', structuredClone(team)), null)
  t.equal(team.members.find((m: { user: { ident: string } }) => m.user.ident === 'zoe').task.path, 'shots/shot_020_heist.blend')
  t.equal(team.members.find((m: { user: { ident: string } }) => m.user.ident === 'teacher').task, null)
})

t.test('the asset list answers 304 when nothing changed', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'sam')
  const first = await s.app.inject({ url: `${api}/assets`, headers: { cookie } })
  t.equal(validator().check('api-asset-list.schema.json', first.json()), null)
  const again = await s.app.inject({ url: `${api}/assets`, headers: { cookie, 'if-none-match': first.headers.etag as string } })
  t.equal(again.statusCode, 304)
  await s.app.inject({ method: 'PATCH', url: `${api}/assets/sets/kitchen.blend`, headers: { cookie }, payload: { rating: 3 } })
  const changed = await s.app.inject({ url: `${api}/assets`, headers: { cookie, 'if-none-match': first.headers.etag as string } })
  t.equal(changed.statusCode, 200)
})
