// What a .blend links, sorted by where it really is: a library reached through a link leading out
// of the project is outside it (a node's sandbox cannot reach it); one reached through a link that
// stays inside is the file that link leads to.
import t from 'tap'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileLinks } from '../../server/store/blend-links.ts'

t.test('libraries are inside or outside the project by their real paths', async (t) => {
  const dir = t.testdir({ share: { red: { shots: {}, props: { 'chair.blend': 'x' } }, blue: { 'lamp.blend': 'x' } } })
  const red = join(dir, 'share', 'red')
  symlinkSync(join(dir, 'share', 'blue'), join(red, 'shared'))
  symlinkSync(join(red, 'props'), join(red, 'mirror'))
  const links = fileLinks(red, 'shots/a.blend', ['//../props/chair.blend', '//../shared/lamp.blend', '//../mirror/chair.blend', '//../shared/gone.blend', 'C:\\proj\\x.blend'])
  t.same(links.inside, ['props/chair.blend', 'props/chair.blend'], 'through a link that stays inside: the file it leads to')
  t.same(links.outside, ['//../shared/lamp.blend', '//../shared/gone.blend', 'C:\\proj\\x.blend'], 'through a link into the project next door: outside')
  t.same(links.missing, ['//../shared/gone.blend', 'C:\\proj\\x.blend'])
})
