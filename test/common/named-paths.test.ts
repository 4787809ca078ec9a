import t, { type Test } from 'tap'
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Shares, checkRelativePath, leadsOutside, realpathOfExistingPart, resolveForWrite, resolveInside } from '../../common/named-paths.ts'

const base = t.testdir()
const share = join(base, 'share')
const outside = join(base, 'outside')
mkdirSync(join(share, 'proj', 'shots'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(outside, 'secret.txt'), 'x')
symlinkSync(outside, join(share, 'proj', 'escape'))
symlinkSync(join(share, 'proj', 'shots'), join(share, 'proj', 'inside-link'))
const shares = new Shares(new Map([['data', share]]))

t.test('a named path resolves inside its share', async (t) => {
  t.equal(shares.resolve('data::proj/shots/a.blend'), join(share, 'proj', 'shots', 'a.blend'))
  t.equal(shares.resolve('data::proj/./shots//a.blend'), join(share, 'proj', 'shots', 'a.blend'))
  t.equal(shares.resolve('data::proj/inside-link/a.blend'), join(share, 'proj', 'inside-link', 'a.blend'), 'a link that stays inside is fine')
  t.equal(shares.toNamed(join(share, 'proj', 'x.blend')), 'data::proj/x.blend')
  t.equal(shares.toNamed(join(outside, 'x')), null)
})

t.test('anything leaving the share is refused with a clear message', async (t) => {
  const bad: Array<[string, RegExp]> = [
    ['data::proj/../../outside/secret.txt', /'\.\.' is not allowed/],
    ['data::/etc/passwd', /absolute/],
    ['data::C:/Windows', /absolute/],
    ['data::proj\\..\\..\\x', /backslash/],
    ['data::proj/a\0.blend', /NUL/],
    ['data::proj/escape/secret.txt', /goes through the link "proj\/escape", which leads out of its share/],
    ['nope::proj/a.blend', /no share called "nope"/],
    ['proj/a.blend', /not a named path/],
  ]
  for (const [p, message] of bad) {
    t.throws(() => shares.resolve(p), { name: 'PathRefused', message }, p)
  }
})

t.test('project-relative paths get the same checks', async (t) => {
  t.equal(checkRelativePath('shots//a.blend'), 'shots/a.blend')
  t.throws(() => checkRelativePath('../a'), { code: 'RFAM_PATH_OUTSIDE' })
  t.throws(() => resolveInside(join(share, 'proj'), 'escape/secret.txt'), { code: 'RFAM_PATH_OUTSIDE' })
  t.equal(resolveInside(join(share, 'proj'), 'new/folder/file.blend'), join(share, 'proj', 'new', 'folder', 'file.blend'), 'paths that do not exist yet are fine')
})

/** Two projects and a folder outside the share, in a fresh test folder. */
function layout (t: Test) {
  const dir = t.testdir({ share: { red: { shots: { 'a.blend': 'red' } }, blue: { 'b.blend': 'blue' } }, outside: {} })
  const red = join(dir, 'share', 'red')
  return { dir, red, blue: join(dir, 'share', 'blue'), outside: join(dir, 'outside') }
}

t.test('a dangling link is followed to where it would lead', async (t) => {
  const { red, blue, outside } = layout(t)
  symlinkSync(join(outside, 'not-yet.blend'), join(red, 'ghost.blend'))
  symlinkSync(join(outside, 'new-folder'), join(red, 'attic'))
  symlinkSync('../../../outside/relative', join(red, 'shots', 'rel'))
  symlinkSync(join(red, 'shots', 'later.blend'), join(red, 'fine.blend'))
  t.equal(realpathOfExistingPart(join(red, 'ghost.blend')), join(outside, 'not-yet.blend'))
  t.equal(realpathOfExistingPart(join(red, 'attic', 'sub', 'x.blend')), join(outside, 'new-folder', 'sub', 'x.blend'))
  t.equal(realpathOfExistingPart(join(red, 'shots', 'rel', 'x')), join(outside, 'relative', 'x'), 'a relative target counts from the folder holding the link')
  for (const rel of ['ghost.blend', 'attic/sub/x.blend', 'shots/rel/x']) {
    t.throws(() => resolveInside(red, rel, 'file', { place: 'the project' }), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE', message: /out of the project/ }, rel)
  }
  t.equal(resolveInside(red, 'fine.blend'), join(red, 'fine.blend'), 'a dangling link that stays inside is fine for reading')
  symlinkSync(join(blue, 'b.blend'), join(red, 'b.blend'))
  t.ok(leadsOutside(red, join(red, 'b.blend')), 'a link into the project next door leads outside')
  t.notOk(leadsOutside(red, join(red, 'shots', 'a.blend')))
  symlinkSync(join(red, 'loop2'), join(red, 'loop1'))
  symlinkSync(join(red, 'loop1'), join(red, 'loop2'))
  t.throws(() => resolveInside(red, 'loop1/x'), { code: 'RFAM_PATH_OUTSIDE' }, 'a loop of links is refused, not followed forever')
})

t.test('messages name the link that leads out', async (t) => {
  const { red, blue } = layout(t)
  symlinkSync(blue, join(red, 'shared'))
  symlinkSync(join(blue, 'b.blend'), join(red, 'shots', 'b.blend'))
  t.throws(() => resolveInside(red, 'shared/b.blend', 'file', { place: 'the project' }), { message: 'The file "shared/b.blend" goes through the link "shared", which leads out of the project. RFAM only follows links that stay inside the project: put the real file or folder there instead.' })
  t.throws(() => resolveInside(red, 'shots/b.blend', 'file', { place: 'the project' }), { message: /^The file "shots\/b\.blend" is a link leading out of the project\./ })
})

t.test('nothing is written through a link, not even one that stays inside', async (t) => {
  const { red, blue, outside } = layout(t)
  symlinkSync(join(red, 'shots'), join(red, 'mirror'))
  symlinkSync(join(red, 'shots', 'a.blend'), join(red, 'shots', 'again.blend'))
  symlinkSync(join(outside, 'nothing.json'), join(red, 'shots', 'ghost.json'))
  symlinkSync(blue, join(red, 'shared'))
  t.equal(resolveForWrite(red, 'shots/a.blend'), join(red, 'shots', 'a.blend'))
  t.equal(resolveForWrite(red, 'new/folder/x.blend'), join(red, 'new', 'folder', 'x.blend'), 'paths that do not exist yet are fine')
  t.throws(() => resolveForWrite(red, 'mirror/a.blend', 'file'), { name: 'PathRefused', code: 'RFAM_PATH_LINK', message: 'The file "mirror/a.blend" goes through the link "mirror"; RFAM never writes through links. Use the real folder "mirror" points to instead.' })
  t.throws(() => resolveForWrite(red, 'shots/again.blend', 'file'), { code: 'RFAM_PATH_LINK', message: /is a link; RFAM never writes through links/ })
  t.throws(() => resolveForWrite(red, 'shots/ghost.json', 'sidecar', { place: 'the project' }), { code: 'RFAM_PATH_OUTSIDE', message: /"shots\/ghost\.json" is a link leading out of the project/ })
  t.throws(() => resolveForWrite(red, 'shared/new/x.blend', 'file', { place: 'the project' }), { code: 'RFAM_PATH_OUTSIDE', message: /link "shared", which leads out of the project/ })
  t.equal(resolveForWrite(red, 'shots/again.blend', 'file', { lastMayBeLink: true }), join(red, 'shots', 'again.blend'), 'a link itself may be moved')
  t.throws(() => resolveForWrite(red, 'mirror/again.blend', 'file', { lastMayBeLink: true }), { code: 'RFAM_PATH_LINK' }, 'but not through a linked folder')
  t.notOk(existsSync(join(outside, 'nothing.json')))
  symlinkSync(red, join(outside, 'red-through-a-link'))
  t.equal(resolveForWrite(join(outside, 'red-through-a-link'), 'shots/a.blend'), join(outside, 'red-through-a-link', 'shots', 'a.blend'), 'links above the root are fine')
})
