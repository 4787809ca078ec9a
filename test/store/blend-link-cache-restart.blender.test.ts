// A real server, stopped and started again on the same folders: what each .blend links is read once
// and kept in the cache folder, so a restart reads only what changed while the server was down.
import t from 'tap'
import { copyFileSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { fileIdentity } from '../../server/store/asset-index.ts'
import { LINK_CACHE_FILE } from '../../server/store/blend-link-cache.ts'
import { validator } from '../../schemas/validator.ts'
import { makeBlendFixtures, noBlender } from '../blend/blender-fixtures.ts'
import { startTestServer, writeTestConfig, type TestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'

t.test('links survive a restart; what changed while the server was down is read again', { skip: noBlender }, async (t) => {
  const dir = testFolder(t, 'server')
  const made = join(dir, 'made-by-blender')
  await makeBlendFixtures(made)
  const configFile = writeTestConfig(dir)
  const config = loadConfig(configFile)
  await seedDemoIfEmpty(config)
  const root = config.shares.resolve('data::demo')
  const cacheFile = join(config.cacheDir, LINK_CACHE_FILE)
  t.equal(config.cacheDir, join(config.farmDir, 'cache'), 'the cache folder is inside the farm folder unless configured')

  // Two more assets: a shot that links a chair, and the chair.
  const sidecar = JSON.parse(readFileSync(join(root, 'props/cake.blend.json'), 'utf8'))
  mkdirSync(join(root, 'shots/lib'), { recursive: true })
  copyFileSync(join(made, 'shot.blend'), join(root, 'shots/linker.blend'))
  copyFileSync(join(made, 'lib/chair.blend'), join(root, 'shots/lib/chair.blend'))
  writeFileSync(join(root, 'shots/linker.blend.json'), JSON.stringify({ ...sidecar, name: 'Linker' }))
  writeFileSync(join(root, 'shots/lib/chair.blend.json'), JSON.stringify({ ...sidecar, name: 'Chair' }))
  const shotLinks = { inside: ['shots/lib/chair.blend'], missing: [], outside: [] }

  let server: TestServer | undefined
  /** Starts the server (again) and waits until it has every .blend's links; returns how many files it read. */
  const start = async () => {
    if (server) await server.start()
    else server = await startTestServer(t, { configFile, demo: false, watch: false })
    const ws = server.app.rfam.workspace
    await until('every project\'s links read', () => ws.allStores().every((s) => s.linksSettled))
    return { reads: ws.linkCache.reads, links: ws.store('demo').links }
  }
  const stop = () => server!.stop()
  const blendFiles = () => [...server!.app.rfam.workspace.store('demo').index.entries.values()].filter((e) => e.path.endsWith('.blend') && e.file?.exists).length
  /** The identities the cache file holds (checked against its schema). */
  const cached = () => {
    const data = JSON.parse(readFileSync(cacheFile, 'utf8'))
    t.equal(validator().check('blend-link-cache.schema.json', structuredClone(data)), null, 'the cache file matches its schema')
    return new Set((data.files as Array<{ identity: string }>).map((f) => f.identity))
  }
  const identity = (path: string) => fileIdentity(statSync(join(root, path)))

  let s = await start()
  const count = blendFiles()
  t.ok(count >= 10, `${count} .blend files`)
  t.equal(s.reads, count, 'first start: every .blend is read')
  t.same(s.links.get('shots/linker.blend'), shotLinks)
  await stop()
  t.equal(cached().size, count, 'the cache file holds every file, written at close')

  s = await start()
  t.equal(s.reads, 0, 'restart: nothing is read again')
  t.same(s.links.get('shots/linker.blend'), shotLinks, 'and the links are the same')
  await stop()

  // While the server is down: the shot is saved without its link, and a prop is deleted.
  const shotBefore = identity('shots/linker.blend')
  const deleted = identity('props/rolling_pin.blend')
  copyFileSync(join(made, 'nolinks.blend'), join(root, 'shots/linker.blend'))
  unlinkSync(join(root, 'props/rolling_pin.blend'))
  s = await start()
  t.equal(s.reads, 1, 'only the changed file is read')
  t.equal(s.links.get('shots/linker.blend'), undefined, 'its links are the new ones: none')
  await stop()
  const after = cached()
  t.notOk(after.has(deleted), 'the deleted file is dropped from the cache')
  t.notOk(after.has(shotBefore), 'so is what the shot was before it changed')
  t.ok(after.has(identity('shots/linker.blend')), 'what it is now is kept')
  t.equal(after.size, count - 1)

  // A cache file broken while the server is down.
  copyFileSync(join(made, 'shot.blend'), join(root, 'shots/linker.blend'))
  writeFileSync(cacheFile, '\u0000\u0000garbage')
  s = await start()
  t.equal(s.reads, count - 1, 'a broken cache file: every file is read again')
  t.same(s.links.get('shots/linker.blend'), shotLinks, 'and the links are right')
  await stop()
  t.equal(cached().size, count - 1, 'it is replaced by a good one')

  // A cache file that names the right identity with wrong links, but from another reader version.
  const wrong = { format: 1, reader: 999, files: [{ identity: identity('shots/linker.blend'), libraries: ['//wrong.blend'] }] }
  writeFileSync(cacheFile, JSON.stringify(wrong))
  s = await start()
  t.same(s.links.get('shots/linker.blend'), shotLinks, 'a cache of another reader is not used')
  await stop()
})
