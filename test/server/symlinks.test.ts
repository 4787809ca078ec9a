// Symlinks inside a project, attacked from outside through the real server: a link into another
// project (file or folder), a dangling link leading out of the share, a sidecar that is a link to
// users/teacher.json. Nothing is read, rendered or written through a link that leaves the project,
// nothing is ever written through a link at all, and no error message quotes a file's contents.
import t from 'tap'
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { logIn } from '../helpers/login.ts'

const api = '/api/projects/demo'
const blend = 'BLENDER-v304 a team\'s work'

/** Another team's folder on the same share (data::blue) and a folder outside the share. */
function neighbours (s: TestServer) {
  const blue = join(s.dir, 'data', 'blue')
  const outside = join(s.dir, 'outside')
  mkdirSync(join(blue, 'props'), { recursive: true })
  mkdirSync(outside, { recursive: true })
  writeFileSync(join(blue, 'props', 'secret.blend'), blend)
  const meta = readFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), 'utf8').replace('Cake', 'Blue secret cake')
  writeFileSync(join(blue, 'props', 'secret.blend.json'), meta)
  writeFileSync(join(blue, 'project.json'), JSON.stringify({ title: 'Blue secret film' }))
  return { blue, outside, snapshot: () => listTree(blue) + listTree(outside) }
}

function listTree (dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((d) => `${join(d.parentPath, d.name)}:${d.isFile() ? readFileSync(join(d.parentPath, d.name), 'utf8') : ''}`).sort().join('\n')
}

async function rescan (s: TestServer): Promise<void> {
  await s.app.rfam.workspace.store('demo').index.rescan()
}

t.test('a link into another project is never registered, rendered, copied or written through', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const { blue, snapshot } = neighbours(s)
  const demo = s.projectDir()
  symlinkSync(join(blue, 'props'), join(demo, 'stolen')) // a folder link
  symlinkSync(join(blue, 'props', 'secret.blend'), join(demo, 'shots', 'secret.blend')) // a file link
  const before = snapshot()
  const post = (url: string, payload: unknown) => s.app.inject({ method: 'POST', url: `${api}/${url}`, headers: { cookie }, payload: payload as object })

  const cases: Array<[string, string, unknown, RegExp]> = [
    ['register a linked file', 'assets', { name: 'Mine now', type: 'prop', register: true, path: 'shots/secret.blend' }, /"shots\/secret\.blend" is a link leading out of the project/],
    ['register through a linked folder', 'assets', { name: 'Mine now', type: 'prop', register: true, path: 'stolen/secret.blend' }, /link "stolen"/],
    ['create from a template in a linked folder', 'assets', { name: 'Planted', type: 'prop', path: 'stolen/planted.blend' }, /link "stolen"/],
    ['render a linked file', 'jobs', { file: 'shots/secret.blend', frameStart: 1, frameEnd: 1 }, /"shots\/secret\.blend" is a link leading out of the project/],
    ['render through a linked folder', 'jobs', { file: 'stolen/secret.blend', frameStart: 1, frameEnd: 1 }, /link "stolen", which leads out of the project/],
    ['render into a linked folder', 'jobs', { file: 'props/cake.blend', frameStart: 1, frameEnd: 1, output: 'stolen/renders/####' }, /link "stolen"/],
  ]
  for (const [what, url, payload, message] of cases) {
    const res = await post(url, payload)
    t.equal(res.statusCode, 400, `${what}: ${res.body}`)
    t.match(res.json().message, message, what)
  }
  t.notOk(existsSync(join(demo, 'shots', 'secret.blend.json')), 'no sidecar was written for the linked file')

  // A sidecar made by hand beside a file that is a link: the asset shows as broken.
  writeFileSync(join(demo, 'shots', 'secret.blend.json'), readFileSync(join(demo, 'props', 'cake.blend.json')))
  await rescan(s)
  const list = (await s.app.inject({ url: `${api}/assets`, headers: { cookie } })).json()
  const linked = list.assets.find((a: { path: string }) => a.path === 'shots/secret.blend')
  t.match(linked, { broken: /The file "shots\/secret\.blend" is a link leading out of the project/ }, 'the asset whose file is a link out is broken')
  t.notOk(linked.meta)
  t.notOk(list.assets.some((a: { path: string }) => a.path.startsWith('stolen/')), 'a linked folder is not walked')
  const render = await post('jobs', { file: 'shots/secret.blend', frameStart: 1, frameEnd: 1 })
  t.equal(render.statusCode, 400, 'still not rendered')
  const checkpoint = await post('checkpoints/shots/secret.blend', {})
  t.equal(checkpoint.statusCode, 400, 'nor copied into old/')

  // old/ (which the walker skips) turned into a link to the other project: checkpoints and
  // deletes would copy and move files there.
  symlinkSync(join(blue, 'props'), join(demo, 'props', 'old'))
  const cp = await post('checkpoints/props/cake.blend', {})
  t.equal(cp.statusCode, 400, cp.body)
  t.match(cp.json().message, /link "props\/old", which leads out of the project/)
  const del = await s.app.inject({ method: 'DELETE', url: `${api}/assets/props/cake.blend`, headers: { cookie } })
  t.equal(del.statusCode, 400, del.body)
  t.ok(existsSync(join(demo, 'props', 'cake.blend')) && existsSync(join(demo, 'props', 'cake.blend.json')), 'the asset stayed where it was')

  const files = (await s.app.inject({ url: `${api}/files?ext=blend`, headers: { cookie } })).json()
  t.notOk(files.files.some((f: { path: string }) => f.path.includes('secret') || f.path.startsWith('stolen')), 'linked files are not offered')
  t.equal(snapshot(), before, 'the other project is exactly as it was')
})

t.test('a link inside the project may be read, but nothing is written through it', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const demo = s.projectDir()
  symlinkSync(join(demo, 'props'), join(demo, 'mirror'))
  symlinkSync(join(demo, 'props', 'cake.blend'), join(demo, 'shots', 'cake_again.blend'))
  symlinkSync(join(demo, 'props', 'cake.blend.json'), join(demo, 'props', 'twin.blend.json'))
  const cakeSidecar = readFileSync(join(demo, 'props', 'cake.blend.json'), 'utf8')
  await rescan(s)

  const job = await s.app.inject({ method: 'POST', url: `${api}/jobs`, headers: { cookie }, payload: { file: 'shots/cake_again.blend', frameStart: 1, frameEnd: 1 } })
  t.equal(job.statusCode, 201, `a link to a file of the same project renders: ${job.body}`)
  const twin = (await s.app.inject({ url: `${api}/assets/props/twin.blend`, headers: { cookie } })).json()
  t.equal(twin.meta?.name, 'Cake', 'a sidecar linked to one of the project is read')

  const patch = await s.app.inject({ method: 'PATCH', url: `${api}/assets/props/twin.blend`, headers: { cookie }, payload: { priority: 99 } })
  t.equal(patch.statusCode, 400, patch.body)
  t.match(patch.json().message, /"props\/twin\.blend\.json" is a link; RFAM never writes through links/)
  const create = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name: 'Spoon', type: 'prop', path: 'mirror/spoon.blend' } })
  t.equal(create.statusCode, 400, create.body)
  t.match(create.json().message, /link "mirror"/)
  t.notOk(existsSync(join(demo, 'props', 'spoon.blend')))
  const out = await s.app.inject({ method: 'POST', url: `${api}/jobs`, headers: { cookie }, payload: { file: 'props/cake.blend', frameStart: 1, frameEnd: 1, output: 'mirror/renders/####' } })
  t.equal(out.statusCode, 400, 'frames are not written through a link either')
  t.equal(readFileSync(join(demo, 'props', 'cake.blend.json'), 'utf8'), cakeSidecar, 'the linked sidecar is unchanged')
})

t.test('a dangling link leading out of the share: nothing is ever created outside', async (t) => {
  const s = await startTestServer(t, { config: { maxUploadBytes: 200_000 } })
  const { cookie } = await logIn(s, 'alex')
  const { outside, snapshot } = neighbours(s)
  const demo = s.projectDir()
  symlinkSync(join(outside, 'ghost.blend'), join(demo, 'props', 'ghost.blend'))
  symlinkSync(join(outside, 'spook.json'), join(demo, 'props', 'spook.blend.json'))
  symlinkSync(join(outside, 'newdir'), join(demo, 'attic'))
  symlinkSync(join(outside, 'renders'), join(demo, 'renders'))
  mkdirSync(join(s.dir, 'data', 'pictures'), { recursive: true })
  symlinkSync(join(outside, 'pictures'), join(s.dir, 'data', 'pictures', 'users'))
  const before = snapshot()
  const post = (url: string, payload: unknown) => s.app.inject({ method: 'POST', url: `${api}/${url}`, headers: { cookie }, payload: payload as object })

  const cases: Array<[string, string, unknown, RegExp]> = [
    ['a new asset onto a dangling file link', 'assets', { name: 'Ghost', type: 'prop', path: 'props/ghost.blend' }, /"props\/ghost\.blend" is a link leading out of the project/],
    ['a new asset whose sidecar is a dangling link', 'assets', { name: 'Spook', type: 'prop', path: 'props/spook.blend' }, /"props\/spook\.blend\.json" is a link leading out of the project/],
    ['a new asset in a dangling folder link', 'assets', { name: 'Box', type: 'prop', path: 'attic/box.blend' }, /link "attic", which leads out of the project/],
    ['frames into a dangling folder link', 'jobs', { file: 'props/cake.blend', frameStart: 1, frameEnd: 1 }, /link "renders", which leads out of the project/],
  ]
  for (const [what, url, payload, message] of cases) {
    const res = await post(url, payload)
    t.equal(res.statusCode, 400, `${what}: ${res.body}`)
    t.match(res.json().message, message, what)
  }
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366cc' } }).png().toBuffer()
  const boundary = '----rfamtest'
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="picture"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`), png, Buffer.from(`\r\n--${boundary}--\r\n`)])
  const picture = await s.app.inject({ method: 'PUT', url: '/api/users/alex/picture', headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  t.equal(picture.statusCode, 400, `a picture into a dangling folder link: ${picture.body}`)
  t.equal(snapshot(), before, 'nothing was created outside the share')
  t.ok(lstatSync(join(demo, 'props', 'spook.blend.json')).isSymbolicLink(), 'the dangling link is left as it was')
})

t.test('a sidecar linked to users/teacher.json is broken and never quoted', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const demo = s.projectDir()
  const teacher = join(s.dir, 'users', 'teacher.json')
  const secret = readFileSync(teacher, 'utf8')
  symlinkSync(teacher, join(demo, 'props', 'spy.blend.json'))
  writeFileSync(join(demo, 'props', 'garbage.blend.json'), 'garbage hunter2 {{{')
  writeFileSync(join(demo, 'props', 'extra.blend.json'), JSON.stringify({ name: 'x', type: 'prop', state: 'ns', priority: 1, password: 'hunter2', hunter2: true }))
  await rescan(s)
  const list = (await s.app.inject({ url: `${api}/assets`, headers: { cookie } })).json()
  const reason = (path: string) => list.assets.find((a: { path: string }) => a.path === path)?.broken as string
  t.match(reason('props/spy.blend'), /The sidecar "props\/spy\.blend\.json" is a link leading out of the project/)
  t.match(reason('props/garbage.blend'), /The sidecar is not valid JSON\. Fix or restore the file/)
  t.match(reason('props/extra.blend'), /\(the whole document\) has an unknown field\.$/)
  for (const path of ['props/spy.blend', 'props/garbage.blend', 'props/extra.blend']) {
    t.notMatch(reason(path), /teacher|secret|scrypt|staff|ident|hunter2|garbage|password/i, `${path}: nothing of the file's contents is quoted`)
  }
  const patch = await s.app.inject({ method: 'PATCH', url: `${api}/assets/props/spy.blend`, headers: { cookie }, payload: { state: 'ic' } })
  t.equal(patch.statusCode, 400, patch.body)
  t.notMatch(patch.body, /scrypt|staff|ident/)
  t.equal(readFileSync(teacher, 'utf8'), secret, 'users/teacher.json is unchanged')

  // users/ itself: a broken file is reported without its contents.
  writeFileSync(join(s.dir, 'users', 'broken.json'), 'hunter2 is my password')
  writeFileSync(join(s.dir, 'users', 'odd.json'), JSON.stringify({ ident: 'odd', name: 'Odd', projects: [], hunter2: 'x' }))
  s.app.rfam.workspace.users.reload()
  const broken = s.app.rfam.workspace.users.broken()
  t.equal(broken.length, 2)
  for (const b of broken) t.notMatch(b.reason, /hunter2|password/, `${b.file}: ${b.reason}`)
})

t.test('project.json as a link to another team\'s is neither shown nor written', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'teacher', { secret: '1234' })
  const { blue, snapshot } = neighbours(s)
  const demo = s.projectDir()
  const before = snapshot()
  const { rmSync } = await import('node:fs')
  rmSync(join(demo, 'project.json'))
  symlinkSync(join(blue, 'project.json'), join(demo, 'project.json'))
  await rescan(s)
  await until('the project file read again', async () => (await s.app.inject({ url: `${api}/file`, headers: { cookie } })).json().title !== 'The Cake Heist')
  const file = await s.app.inject({ url: `${api}/file`, headers: { cookie } })
  t.notMatch(file.body, /Blue secret/, 'the other team\'s project file is not shown')
  const patch = await s.app.inject({ method: 'PATCH', url: `${api}/file`, headers: { cookie }, payload: { title: 'Ours now' } })
  t.equal(patch.statusCode, 400, patch.body)
  t.match(patch.json().message, /"project\.json" is a link leading out of the project/)
  t.equal(snapshot(), before)
})

t.test('a folder link made while the server runs is not walked', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const { blue } = neighbours(s)
  const demo = s.projectDir()
  symlinkSync(join(blue, 'props'), join(demo, 'live'))
  // A real folder made after it: once the watcher has seen that, it has seen the link too.
  mkdirSync(join(demo, 'later'))
  writeFileSync(join(demo, 'later', 'note.json'), JSON.stringify({ name: 'Later', type: 'other', state: 'ns', priority: 1 }))
  const paths = async () => (await s.app.inject({ url: `${api}/assets`, headers: { cookie } })).json().assets.map((a: { path: string }) => a.path) as string[]
  await until('later/note listed', async () => (await paths()).includes('later/note'))
  t.notOk((await paths()).some((p) => p.startsWith('live/')), 'nothing of the other project is listed')
})

t.test('pictures: only what is in pictures/ is served, and nothing is written through a link', async (t) => {
  const s = await startTestServer(t, { config: { maxUploadBytes: 200_000 } })
  const { cookie } = await logIn(s, 'alex')
  const demo = s.projectDir()
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366cc' } }).png().toBuffer()
  const boundary = '----rfamtest'
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="picture"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`), png, Buffer.from(`\r\n--${boundary}--\r\n`)])
  const upload = () => s.app.inject({ method: 'PUT', url: '/api/users/alex/picture', headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  t.equal((await upload()).statusCode, 200)
  const stored = s.app.rfam.workspace.user('alex').image!.split('::')[1]!
  // A team's rendered frame, put where alex's picture was.
  const frame = join(demo, 'renders', 'secret.png')
  mkdirSync(join(demo, 'renders'), { recursive: true })
  writeFileSync(frame, png)
  const { rmSync } = await import('node:fs')
  rmSync(join(s.dir, 'data', stored))
  symlinkSync(frame, join(s.dir, 'data', stored))
  const got = await s.app.inject({ url: '/api/users/alex/picture', headers: { cookie } })
  t.equal(got.headers['content-type'], 'image/svg+xml', 'a picture that is a link out of pictures/ is not served')
  await s.app.rfam.workspace.users.update('alex', (u) => ({ ...u, image: 'data::demo/renders/secret.png' }))
  const named = await s.app.inject({ url: '/api/users/alex/picture', headers: { cookie } })
  t.equal(named.headers['content-type'], 'image/svg+xml', 'nor a picture named outside pictures/')

  rmSync(join(s.dir, 'data', 'pictures', 'users'), { recursive: true })
  symlinkSync(join(demo, 'renders'), join(s.dir, 'data', 'pictures', 'users'))
  const res = await upload()
  t.equal(res.statusCode, 400, res.body)
  t.match(res.json().message, /goes through the link "pictures\/users"; RFAM never writes through links/)
  t.same(readdirSync(join(demo, 'renders')), ['secret.png'], 'nothing was written into the project')
})
