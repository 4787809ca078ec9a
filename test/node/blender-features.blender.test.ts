// A node tells the server whether its Blender can denoise: it asks Blender itself. Debian's Blender
// is built without OpenImageDenoise; something that is no Blender tells nothing.
import t from 'tap'
import { blenderCanDenoise } from '../../node/blender-features.ts'
import { BLENDER, noBlender } from '../blend/blender-fixtures.ts'

t.test('Debian\'s Blender says it cannot denoise', { skip: noBlender }, async (t) => {
  t.equal(await blenderCanDenoise(BLENDER), false)
})

t.test('no Blender, nothing said', async (t) => {
  t.equal(await blenderCanDenoise('/nonexistent/blender'), undefined)
  t.equal(await blenderCanDenoise('/bin/true'), undefined, 'a program that prints nothing')
})
