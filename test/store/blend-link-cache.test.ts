// The cache of what each .blend links, on real files: a cache file is only ever a shortcut, so one
// that is missing, broken, of another format or reader, or about files that changed, costs reading
// again, never wrong links.
import t, { type Test } from 'tap'
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { BLEND_READER_VERSION, readBlendInfo } from '../../server/blend/read-blend-links.ts'
import { fileIdentity } from '../../server/store/asset-index.ts'
import { BlendLinkCache, LINK_CACHE_FILE } from '../../server/store/blend-link-cache.ts'
import { validator } from '../../schemas/validator.ts'
import { until } from '../helpers/until.ts'

const TEMPLATE = join(repoRoot, 'config', 'defaults', '2K Scope Eevee', 'types', 'prop.blend')

/** A folder with two real .blend files (a.blend, b.blend) and where a cache file would go. */
function setup (t: Test) {
  const dir = t.testdir({ cache: {} })
  const a = join(dir, 'a.blend')
  const b = join(dir, 'b.blend')
  copyFileSync(TEMPLATE, a)
  copyFileSync(TEMPLATE, b)
  const file = join(dir, 'cache', LINK_CACHE_FILE)
  const id = (p: string) => fileIdentity(statSync(p))
  const logs: string[] = []
  const cache = (extra: Partial<ConstructorParameters<typeof BlendLinkCache>[0]> = {}) =>
    new BlendLinkCache({ file, log: (f, m) => logs.push([m, ...Object.values(f)].join(' ')), saveDelayMs: 60_000, ...extra })
  /** The cache file as written, checked against its schema. */
  const written = () => {
    const data = JSON.parse(readFileSync(file, 'utf8'))
    t.equal(validator().check('blend-link-cache.schema.json', structuredClone(data)), null, 'the cache file matches its schema')
    return data as { format: number, reader: number, files: Array<{ identity: string, libraries: string[] }> }
  }
  return { dir, a, b, file, id, logs, cache, written }
}

t.test('a cache file that cannot be used is logged once, not used, and replaced', async (t) => {
  const cases: Array<[string, (ctx: ReturnType<typeof setup>) => void, RegExp]> = [
    ['not JSON', ({ file }) => writeFileSync(file, '{"format":1,"reader":1,"files":[{"ident'), /is not JSON/],
    ['JSON of another shape', ({ file }) => writeFileSync(file, JSON.stringify([{ identity: 'x', libraries: [] }])), /is not a cache of links/],
    ['a field of the wrong type', ({ file, a, id }) => writeFileSync(file, JSON.stringify({ format: 1, reader: 1, files: { [id(a)]: ['//planted.blend'] } })), /\/files must be array/],
    ['another format', ({ file, a, id }) => writeFileSync(file, JSON.stringify({ format: 2, reader: 1, files: [{ identity: id(a), libraries: ['//planted.blend'] }] })), /is of format 2; this server writes format 1/],
    ['another reader', ({ file, a, id }) => writeFileSync(file, JSON.stringify({ format: 1, reader: BLEND_READER_VERSION + 1, files: [{ identity: id(a), libraries: ['//planted.blend'] }] })), new RegExp(`made by \\.blend reader ${BLEND_READER_VERSION + 1}`)],
    ['one bad entry among good ones', ({ file, a, b, id }) => writeFileSync(file, JSON.stringify({ format: 1, reader: 1, files: [{ identity: id(a), libraries: ['//planted.blend'] }, { identity: id(b) }] })), /must have required property 'libraries'/],
    ['thousands of bad entries (the message stays short)', ({ file }) => writeFileSync(file, JSON.stringify({ format: 1, reader: 1, files: Array.from({ length: 5000 }, (_, i) => ({ identity: String(i) })) })), /is not a cache of links: .{0,310}$/],
    ['a folder where the file should be', ({ file }) => mkdirSync(file), /cannot be read \(EISDIR\)/],
  ]
  for (const [what, make, says] of cases) {
    await t.test(what, async (t) => {
      const ctx = setup(t)
      make(ctx)
      const cache = ctx.cache()
      await cache.load()
      t.equal(cache.size, 0, 'nothing is taken from it')
      t.equal(ctx.logs.length, 1, 'logged once')
      t.match(ctx.logs[0], says)
      t.match(ctx.logs[0], ctx.file, 'the message names the file')
      t.same(await cache.libraries(ctx.a, ctx.id(ctx.a)), [], 'the file is read, not taken from the broken cache')
      t.equal(cache.reads, 1)
      await cache.close()
      if (what.startsWith('a folder')) {
        t.match(ctx.logs, [says, /cannot write/], 'a folder cannot be replaced by a file: that is logged too, once')
        return
      }
      t.match(ctx.written().files, [{ identity: ctx.id(ctx.a), libraries: [], render: { scene: 'Scene' } }], 'replaced by a good one')
      t.equal(ctx.logs.length, 1, 'still logged only once')
    })
  }
})

t.test('a missing cache file is no news: nothing is logged', async (t) => {
  const { cache, logs, a, id, written } = setup(t)
  const c = cache()
  await c.load()
  t.same(await c.libraries(a, id(a)), [])
  await c.close()
  t.same(logs, [])
  t.equal(written().files.length, 1)
})

t.test('an entry is used only while its file still has the identity it was read under', async (t) => {
  const { file, a, id, cache } = setup(t)
  // A planted entry shows the cache, not the file, answered.
  writeFileSync(file, JSON.stringify({ format: 1, reader: BLEND_READER_VERSION, files: [{ identity: id(a), libraries: ['//planted.blend'], render: null, thumbnail: false }] }))
  const c = cache()
  await c.load()
  t.same(c.known(id(a)), ['//planted.blend'])
  t.same(await c.libraries(a, id(a)), ['//planted.blend'], 'unchanged: taken from the cache')
  t.same(await c.libraries(a), ['//planted.blend'], 'also when the caller has no identity (one stat)')
  t.equal(c.reads, 0)
  const later = new Date(Date.now() + 5000)
  utimesSync(a, later, later)
  t.equal(c.known(id(a)), undefined, 'a new modification time is another identity')
  t.same(await c.libraries(a, id(a)), [], 'read again')
  t.equal(c.reads, 1)
  t.same(c.known(id(a)), [], 'and kept under its new identity')
  await c.close()
})

t.test('a file saved while it is read is not kept under the identity it had before', async (t) => {
  const { a, id, cache } = setup(t)
  const before = id(a)
  const c = cache({ read: async (abs) => { const info = await readBlendInfo(abs); appendFileSync(abs, 'saved again'); return { libraries: info.libraries, render: info.render, thumbnail: info.thumbnail !== null } } })
  t.same(await c.libraries(a, before), [], 'what was read is returned')
  t.equal(c.known(before), undefined, 'but not kept: it may not be what a file of that identity links')
  t.equal(c.size, 0)
  await c.close()
})

t.test('hard links share one entry and are read once', async (t) => {
  const { dir, a, id, cache } = setup(t)
  const { linkSync } = await import('node:fs')
  const linked = join(dir, 'linked.blend')
  linkSync(a, linked)
  const c = cache()
  await c.libraries(a, id(a))
  t.same(await c.libraries(linked, id(linked)), [])
  t.equal(c.reads, 1)
  await c.close()
})

t.test('only files some project still has are written, and a sweep drops the rest', async (t) => {
  const { a, b, id, cache, written } = setup(t)
  const live = new Set([id(a), id(b)])
  const c = cache({ live: () => live })
  await c.libraries(a, id(a))
  await c.libraries(b, id(b))
  live.delete(id(b))
  await c.save()
  t.same(written().files.map((f) => f.identity), [id(a)], 'the file no project has is not written')
  t.equal(c.size, 1, 'nor kept in memory')

  await c.libraries(b, id(b))
  t.equal(c.size, 2)
  c.sweep()
  t.equal(c.size, 1, 'a sweep drops it too')
  t.same(c.known(id(a)), [])
  await c.close()
  t.same(written().files.map((f) => f.identity), [id(a)])

  const unknown = cache({ live: () => undefined })
  await unknown.load()
  await unknown.libraries(b, id(b))
  unknown.sweep()
  t.equal(unknown.size, 2, 'while the live files are not known (a project still walking its folder), nothing is dropped')
  await unknown.close()
})

t.test('written a while after the last new reading and at close, not after each reading', async (t) => {
  const { a, b, id, file, cache, written } = setup(t)
  const slow = cache()
  await slow.libraries(a, id(a))
  await slow.libraries(b, id(b))
  t.notOk(existsSync(file), 'not written after each reading')
  await slow.close()
  t.equal(written().files.length, 2, 'written at close')
  const mtime = statSync(file).mtimeMs
  await slow.save()
  t.equal(statSync(file).mtimeMs, mtime, 'nothing new: not written again')

  const quick = cache({ saveDelayMs: 50 })
  await quick.load()
  t.equal(quick.size, 2, 'loaded in one read')
  const later = new Date(Date.now() + 5000)
  utimesSync(a, later, later)
  await quick.libraries(a, id(a))
  await until('the cache file naming the new file', () => written().files.some((f) => f.identity === id(a)))
  t.pass('written by itself a little after the reading')
  await quick.close()
})

t.test('a cache folder that cannot be written is logged once; links still work', async (t) => {
  const { dir, a, b, id } = setup(t)
  writeFileSync(join(dir, 'not-a-folder'), '')
  const logs: string[] = []
  const c = new BlendLinkCache({ file: join(dir, 'not-a-folder', LINK_CACHE_FILE), log: (f, m) => logs.push([m, ...Object.values(f)].join(' ')), saveDelayMs: 60_000 })
  await c.load()
  t.same(await c.libraries(a, id(a)), [])
  await c.save()
  t.same(await c.libraries(b, id(b)), [])
  await c.close()
  t.equal(logs.length, 1, 'logged once')
  t.match(logs[0], /cannot write the link cache.*read again .*not-a-folder.* (EEXIST|ENOTDIR)$/)
  t.same(c.known(id(b)), [], 'still cached in memory')
})

t.test('without a file, the cache lives in memory only', async (t) => {
  const { a, id } = setup(t)
  const c = new BlendLinkCache()
  await c.load()
  t.same(await c.libraries(a, id(a)), [])
  t.same(await c.libraries(a, id(a)), [])
  t.equal(c.reads, 1)
  await c.close()
})
