import t from 'tap'
import { mkdirSync, rmSync, writeFileSync, readFileSync, renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { AssetIndex } from '../../server/store/asset-index.ts'
import { until } from '../helpers/until.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'

const asset = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name, type: 'prop', state: 'ns', priority: 10, ...extra })

function makeTree (t: Tap) {
  const root = testFolder(t, 'project')
  mkdirSync(join(root, 'props', 'old'), { recursive: true })
  mkdirSync(join(root, 'other'), { recursive: true })
  writeFileSync(join(root, 'props', 'cup.blend'), 'BLENDER-fake')
  writeFileSync(join(root, 'props', 'cup.blend.json'), asset('Cup'))
  writeFileSync(join(root, 'props', 'gone.blend.json'), asset('Gone'))
  writeFileSync(join(root, 'props', 'old', 'cup.2026-01-01T00-00-00Z.blend.json'), asset('Old cup'))
  writeFileSync(join(root, 'props', '.hidden.blend.json'), asset('Hidden'))
  writeFileSync(join(root, 'other', 'note.json'), asset('Note', { type: 'other' }))
  writeFileSync(join(root, 'props', 'garbage.blend.json'), '{ this is not json')
  writeFileSync(join(root, 'props', 'wrong.blend.json'), asset('Wrong', { priority: 'high', colour: 'red' }))
  writeFileSync(join(root, 'project.json'), '{"title":"x"}')
  return root
}

t.test('the walk finds sidecars and file-less assets, skipping old/, dot-files and project.json', async (t) => {
  const root = makeTree(t)
  const index = new AssetIndex(root, 0)
  await index.start(false)
  t.same([...index.entries.keys()].sort(), ['other/note', 'props/cup.blend', 'props/garbage.blend', 'props/gone.blend', 'props/wrong.blend'])
  t.equal(index.get('props/cup.blend')?.meta?.name, 'Cup')
  t.equal(index.get('props/cup.blend')?.file?.exists, true)
  t.equal(index.get('props/gone.blend')?.file?.exists, false, 'a sidecar whose file is missing says so')
  t.equal(index.get('other/note')?.file, null, 'a file-less asset has no file')
})

t.test('a broken sidecar marks that one asset broken, with the reason, and is left untouched', async (t) => {
  const root = makeTree(t)
  const index = new AssetIndex(root, 0)
  await index.start(false)
  t.match(index.get('props/garbage.blend')?.broken, /not valid JSON/)
  t.match(index.get('props/wrong.blend')?.broken, /\/priority must be integer/)
  t.match(index.get('props/wrong.blend')?.broken, /has an unknown field/)
  t.notMatch(index.get('props/wrong.blend')?.broken, /colour/, 'names from the file are not quoted (it might be anyone\'s file)')
  t.equal(readFileSync(join(root, 'props', 'garbage.blend.json'), 'utf8'), '{ this is not json')
  t.ok(index.get('props/cup.blend')?.meta, 'the rest keeps working')
})

t.test('edits made on disk by other tools show up through the watcher', async (t) => {
  const root = makeTree(t)
  const index = new AssetIndex(root, 0)
  await index.start(true)
  t.teardown(() => index.close())
  await new Promise((resolve) => setTimeout(resolve, 200)) // let the watcher settle
  writeFileSync(join(root, 'props', 'cup.blend.json'), asset('Cup, renamed'))
  const t0 = performance.now()
  await until('the rename seen', () => index.get('props/cup.blend')?.meta?.name === 'Cup, renamed')
  t.comment(`edit visible after ${(performance.now() - t0).toFixed(0)} ms`)
  writeFileSync(join(root, 'props', 'new.blend.json'), asset('New'))
  await until('the new file seen', () => index.get('props/new.blend') !== undefined)
  t.pass('a new sidecar appears')
  unlinkSync(join(root, 'props', 'new.blend.json'))
  await until('the removed file gone', () => index.get('props/new.blend') === undefined)
  t.pass('a deleted sidecar disappears')
  writeFileSync(join(root, 'props', 'garbage.blend.json'), asset('Fixed'))
  await until('the fixed sidecar read', () => index.get('props/garbage.blend')?.meta?.name === 'Fixed')
  t.pass('fixing a broken sidecar on disk fixes the asset')
  mkdirSync(join(root, 'moved'))
  renameSync(join(root, 'props', 'cup.blend'), join(root, 'moved', 'cup.blend'))
  renameSync(join(root, 'props', 'cup.blend.json'), join(root, 'moved', 'cup.blend.json'))
  await until('the move seen', () => index.get('moved/cup.blend')?.file?.exists === true && !index.get('props/cup.blend'))
  t.pass('a moved asset follows its files')
})

t.test('the periodic rescan catches changes the watcher cannot see', async (t) => {
  const root = makeTree(t)
  const index = new AssetIndex(root, 100)
  await index.start(false)
  t.teardown(() => index.close())
  writeFileSync(join(root, 'props', 'cup.blend.json'), asset('Cup from another site'))
  await until('the other site\'s edit seen', () => index.get('props/cup.blend')?.meta?.name === 'Cup from another site')
  rmSync(join(root, 'other'), { recursive: true })
  await until('the other note gone', () => index.get('other/note') === undefined)
  t.pass('edits and removals are picked up without a watcher')
})
