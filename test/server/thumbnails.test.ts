// GET /api/projects/:project/thumbnails/<asset path> through the real server: the asset list and
// views say which assets have a picture (a tag), the picture is a PNG of the .blend's own thumbnail
// (or, for a rendered shot, the JPEG of its latest frame), cached by ETag and by tag; files without
// one, hostile ones, links out of the project and paths leaving it get a 4xx, never a 500.
import t, { type Test } from 'tap'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import type { AssetList, AssetSummary } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { blendOf, blendWithThumbnail, thumbnailBlock, TINY_BLEND } from '../helpers/tiny-blend.ts'

const api = '/api/projects/demo'
const pattern = (x: number, y: number) => [x * 15, y * 20, 100, 255]

async function setUp (t: Test) {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  const get = (url: string, headers: Record<string, string> = {}) => s.app.inject({ url: `${api}/${url}`, headers: { cookie, ...headers } })
  const list = async () => (await get('assets')).json() as AssetList
  const summary = async (path: string) => (await list()).assets.find((a) => a.path === path)
  /** Puts a file in the project and makes it an asset where it is. */
  const register = async (path: string, data: Buffer | string, name: string) => {
    mkdirSync(join(s.projectDir(), path, '..'), { recursive: true })
    writeFileSync(join(s.projectDir(), path), data)
    const res = await s.app.inject({ method: 'POST', url: `${api}/assets`, headers: { cookie }, payload: { name, type: 'prop', path, register: true } })
    t.equal(res.statusCode, 201, `${path} registered: ${res.body}`)
  }
  /** The asset's summary once its file has been read (links and thumbnail) and the list shows it. */
  const settled = async (path: string, check: (a: AssetSummary) => boolean) => {
    await until(`${path} read`, () => s.app.rfam.workspace.store('demo').linksSettled)
    return until(`${path} in the list as expected`, async () => { const a = await summary(path); return a && check(a) ? a : undefined })
  }
  return { s, cookie, get, list, summary, register, settled }
}

t.test('the list says which assets have a picture; the picture is a PNG of the .blend\'s thumbnail', async (t) => {
  const { s, get, list, register, settled } = await setUp(t)
  await register('props/pie.blend', blendWithThumbnail(16, 12, pattern), 'Pie')
  await register('props/plain.blend', TINY_BLEND, 'Plain')
  const pie = await settled('props/pie.blend', (a) => a.thumbnail !== undefined)
  const tag = pie.thumbnail!
  t.match(tag, /^b[0-9a-z]{9,}$/, 'a short tag, of a .blend\'s preview')
  const all = await list()
  t.equal(validator().check('api-asset-list.schema.json', all), null, 'the list still follows its schema')
  t.same(all.assets.filter((a) => a.thumbnail !== undefined).map((a) => a.path), ['props/pie.blend'], 'only the file with a thumbnail has one (the templates are saved without)')
  const view = (await get('assets/props/pie.blend')).json()
  t.equal(view.thumbnail, tag, 'the asset view has the same tag')

  const res = await get(`thumbnails/props/pie.blend?v=${tag}`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'image/png')
  t.equal(res.headers.etag, `"${tag}"`)
  t.equal(res.headers['cache-control'], 'private, max-age=31536000, immutable', 'a URL with the current tag is kept for good')
  const { data, info } = await sharp(res.rawPayload).raw().toBuffer({ resolveWithObject: true })
  t.same([info.width, info.height, info.channels], [16, 12, 4], 'decodes to the thumbnail\'s size')
  t.same([...data.subarray(0, 8)], [...pattern(0, 0), ...pattern(1, 0)], 'top row first')
  t.same([...data.subarray(data.length - 4)], pattern(15, 11), 'the last pixel is the bottom right one')

  t.equal((await get('thumbnails/props/pie.blend')).headers['cache-control'], 'private, no-cache', 'without the tag: checked again each time')
  t.equal((await get('thumbnails/props/pie.blend?v=boldtag00')).headers['cache-control'], 'private, no-cache', 'with an old tag too')
  const again = await get(`thumbnails/props/pie.blend?v=${tag}`, { 'if-none-match': `"${tag}"` })
  t.equal(again.statusCode, 304, 'the ETag gives 304')
  t.equal(again.body, '')
  t.equal(s.app.rfam.workspace.thumbnails.reads, 1, 'the file was read once')

  // Saved again with another picture: a new tag, and the old ETag no longer matches.
  writeFileSync(join(s.projectDir(), 'props', 'pie.blend'), blendWithThumbnail(8, 8, pattern))
  const changed = await settled('props/pie.blend', (a) => a.thumbnail !== undefined && a.thumbnail !== tag)
  const fresh = await get(`thumbnails/props/pie.blend?v=${changed.thumbnail}`, { 'if-none-match': `"${tag}"` })
  t.equal(fresh.statusCode, 200)
  t.same((await sharp(fresh.rawPayload).metadata()).width, 8, 'the new picture')

  // Saved without a preview: the tag goes.
  writeFileSync(join(s.projectDir(), 'props', 'pie.blend'), TINY_BLEND)
  await settled('props/pie.blend', (a) => a.thumbnail === undefined)
  t.equal((await get('thumbnails/props/pie.blend')).statusCode, 404)
})

t.test('no picture, a hostile file, a link out, a path out: a 4xx, never a 500', async (t) => {
  const { s, get, register, settled } = await setUp(t)
  const head = Buffer.alloc(8)
  head.writeInt32LE(0x7fffffff, 0)
  head.writeInt32LE(0x7fffffff, 4)
  await register('props/huge.blend', blendOf([{ code: 'TEST', data: head }]), 'Huge')
  await register('props/plain.blend', TINY_BLEND, 'Plain')
  // Files registering refuses, their sidecars put there by hand: one that is no .blend, and one whose
  // TEST block claims 2 GB (the pixels are there, the file ends long before).
  const byHand = (path: string, data: Buffer | string) => {
    writeFileSync(join(s.projectDir(), path), data)
    writeFileSync(join(s.projectDir(), `${path}.json`), readFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), 'utf8').replace('"Cake"', `"${path}"`))
  }
  byHand('props/fake.blend', 'just some text')
  byHand('props/cut.blend', blendOf([{ code: 'TEST', data: thumbnailBlock(64, 64, pattern) }], { testLength: 0x7fffffff }))
  // Another team's file, with a thumbnail, reached through a link.
  const blue = join(s.dir, 'data', 'blue')
  mkdirSync(blue, { recursive: true })
  writeFileSync(join(blue, 'secret.blend'), blendWithThumbnail(4, 4, pattern))
  symlinkSync(join(blue, 'secret.blend'), join(s.projectDir(), 'props', 'secret.blend'))
  writeFileSync(join(s.projectDir(), 'props', 'secret.blend.json'), readFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), 'utf8').replace('"Cake"', '"Secret"'))
  await s.app.rfam.workspace.store('demo').index.rescan()
  await settled('props/secret.blend', () => true)

  for (const path of ['props/huge.blend', 'props/cut.blend', 'props/plain.blend', 'props/fake.blend', 'props/secret.blend', 'props/cake.blend']) {
    const res = await get(`thumbnails/${path}`)
    t.equal(res.statusCode, 404, `${path}: ${res.body}`)
    t.equal(res.json().code, 'RFAM_NO_THUMBNAIL')
    t.match(res.json().message, `"${path}" has no picture`)
    t.notOk(res.headers.etag, 'a refusal has no ETag to keep')
  }
  const story = (await (await get('assets')).json() as AssetList).assets.find((a) => a.file === null)!
  t.equal((await get(`thumbnails/${story.path}`)).json().code, 'RFAM_NO_THUMBNAIL', 'an asset without a file')
  t.equal((await get('thumbnails/props/nothing.blend')).json().code, 'RFAM_NO_ASSET')
  // Files the .blend reader found no thumbnail in are not opened again; those it could not read are
  // (fake.blend, cut.blend); the link leading out never is.
  t.equal(s.app.rfam.workspace.thumbnails.reads, 2, 'only the two files the .blend reader could not read were opened')

  for (const url of ['thumbnails/..%2F..%2Fusers%2Fmia.json', 'thumbnails/props/..%2F..%2F..%2Fdata%2Fblue%2Fsecret.blend', 'thumbnails/%2Fetc%2Fpasswd']) {
    const res = await get(url)
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`)
    t.notMatch(res.headers['content-type'], /image/)
  }
  t.equal((await get('thumbnails/props/cake.blend?v=no%20spaces')).statusCode, 400, 'a tag that is none')
  t.equal((await get('thumbnails/props/cake.blend?w=1')).statusCode, 400, 'an unknown parameter')
})

t.test('a rendered shot shows its latest frame', async (t) => {
  const { s, cookie, get, list } = await setUp(t)
  const shot = (await list()).assets.find((a) => a.meta?.render)!
  const job = await s.app.inject({ method: 'POST', url: `${api}/jobs`, headers: { cookie }, payload: { file: shot.path, frameStart: 1, frameEnd: 2 } })
  t.equal(job.statusCode, 201, job.body)
  const id = job.json().id as string
  t.equal((await get(`thumbnails/${shot.path}`)).statusCode, 404, 'nothing rendered yet (and its .blend holds no thumbnail)')

  // A frame rendered: the farm's preview of it (as it keeps it across restarts) and the render statistics it writes.
  mkdirSync(join(s.config.farmDir, 'previews'), { recursive: true })
  writeFileSync(join(s.config.farmDir, 'previews', `${id}.jpg`), await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c03030' } }).jpeg().toBuffer())
  await s.app.rfam.workspace.store('demo').update(shot.path, (meta) => ({ ...meta, renderStats: { frames: { 1: [{ seconds: 3, at: '2026-07-01T10:00:00.000Z' }] }, video: [] } }))
  await s.restart()
  const relogged = (await logIn(s, 'mia')).cookie
  // The farm tells the store of the preview it found at start; the list follows within 100 ms.
  const summary = await until('the list with the render\'s tag', async () => {
    const a = (await (await s.app.inject({ url: `${api}/assets`, headers: { cookie: relogged } })).json() as AssetList).assets.find((x) => x.path === shot.path)!
    return a.thumbnail !== undefined ? a : undefined
  })
  t.match(summary.thumbnail, /^r/, 'the list has a tag from the latest render')
  const res = await s.app.inject({ url: `${api}/thumbnails/${shot.path}?v=${summary.thumbnail}`, headers: { cookie: relogged } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'image/jpeg')
  t.equal(res.headers['cache-control'], 'private, no-cache', 'a frame is checked again (its preview follows the frame)')
  t.same((await sharp(res.rawPayload).metadata()).width, 40, 'the preview of the frame')
  const again = await s.app.inject({ url: `${api}/thumbnails/${shot.path}`, headers: { cookie: relogged, 'if-none-match': res.headers.etag as string } })
  t.equal(again.statusCode, 304)

  // The render removed: its preview goes, and the list stops offering a picture it could not send.
  const teacher = (await logIn(s, 'teacher', { secret: '1234' })).cookie
  const removed = await s.app.inject({ method: 'DELETE', url: `${api}/jobs/${id}`, headers: { cookie: teacher } })
  t.equal(removed.statusCode, 204, removed.body)
  const after = await until('the list without the picture', async () => {
    const a = (await (await s.app.inject({ url: `${api}/assets`, headers: { cookie: relogged } })).json() as AssetList).assets.find((x) => x.path === shot.path)!
    return a.thumbnail === undefined ? a : undefined
  })
  t.notOk(after.thumbnail, 'no tag once the only render is gone (its .blend holds no thumbnail)')
  t.equal((await s.app.inject({ url: `${api}/thumbnails/${shot.path}`, headers: { cookie: relogged } })).statusCode, 404)
})
