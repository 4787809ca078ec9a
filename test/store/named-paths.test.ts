import t from 'tap'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Shares, checkRelativePath, resolveInside } from '../../server/store/named-paths.ts'

const base = mkdtempSync(join(tmpdir(), 'rfam-paths-'))
const share = join(base, 'share')
const outside = join(base, 'outside')
mkdirSync(join(share, 'proj', 'shots'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(outside, 'secret.txt'), 'x')
symlinkSync(outside, join(share, 'proj', 'escape'))
symlinkSync(join(share, 'proj', 'shots'), join(share, 'proj', 'inside-link'))
const shares = new Shares(new Map([['data', share]]))
t.teardown(() => {})

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
    ['data::proj/escape/secret.txt', /outside its folder \(through a link\)/],
    ['nope::proj/a.blend', /no share called "nope"/],
    ['proj/a.blend', /not a named path/],
  ]
  for (const [p, message] of bad) {
    t.throws(() => shares.resolve(p), { statusCode: 400, message }, p)
  }
})

t.test('project-relative paths get the same checks', async (t) => {
  t.equal(checkRelativePath('shots//a.blend'), 'shots/a.blend')
  t.throws(() => checkRelativePath('../a'), { code: 'RFAM_PATH_OUTSIDE' })
  t.throws(() => resolveInside(join(share, 'proj'), 'escape/secret.txt'), { code: 'RFAM_PATH_OUTSIDE' })
  t.equal(resolveInside(join(share, 'proj'), 'new/folder/file.blend'), join(share, 'proj', 'new', 'folder', 'file.blend'), 'paths that do not exist yet are fine')
})
