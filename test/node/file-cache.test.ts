// The cache of a node without the share, with its bad days: a transfer that arrives damaged is
// fetched again (and a file that never arrives whole ends the job with a sentence), a transfer cut
// off resumes where it stopped, a full cache lets its least recently used files go (never those of
// the job at hand), a job larger than the cache and a disk too small are refused before anything is
// fetched (the disk: a real small one where the test may mount it). The files come from a folder
// standing for the server's store; only the network between them is simulated.
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { FileCache, ShipRefused, type FetchBlob } from '../../node/file-cache.ts'
import { mountSmallDisk } from '../helpers/small-disk.ts'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

let stores = 0
/** `root`: the test's folder (t.testdir() makes it afresh at each call). */
function server (root: string, sizes: number[]) {
  const dir = join(root, `store${++stores}`)
  mkdirSync(dir, { recursive: true })
  const files = sizes.map((size) => {
    const bytes = randomBytes(size)
    writeFileSync(join(dir, sha(bytes)), bytes)
    return { path: `f${size}`, size, sha256: sha(bytes), bytes }
  })
  const asked: Array<{ sha: string, from: number }> = []
  const faults = { damage: 0, cutAfter: 0 }
  const fetchBlob: FetchBlob = async (hash, from) => {
    asked.push({ sha: hash, from })
    let bytes = readFileSync(join(dir, hash)).subarray(from)
    if (faults.damage > 0) {
      faults.damage--
      bytes = Buffer.from(bytes)
      bytes[bytes.length - 1] ^= 0xff
    }
    if (faults.cutAfter > 0) {
      const cut = faults.cutAfter
      faults.cutAfter = 0
      return Readable.from((async function * () { yield bytes.subarray(0, cut); throw new Error('connection reset') })())
    }
    return Readable.from([bytes])
  }
  return { files, asked, faults, fetchBlob }
}

t.test('a damaged transfer is fetched again; one that never arrives whole is refused with a sentence', async (t) => {
  const root = t.testdir()
  const s = server(root, [50_000])
  const cache = new FileCache(join(root, 'cache'), 1e9, s.fetchBlob)
  s.faults.damage = 1
  const got = await cache.ensure(s.files)
  t.equal(s.asked.length, 2, 'fetched twice')
  t.same(readFileSync(cache.blobPath(s.files[0]!.sha256)), s.files[0]!.bytes, 'the good copy is kept')
  t.equal(got.fetched, 1)

  const other = server(root, [1000])
  const bad = new FileCache(join(root, 'cache2'), 1e9, other.fetchBlob)
  other.faults.damage = 99
  const refused = await bad.ensure(other.files).catch((err: unknown) => err) as ShipRefused
  t.ok(refused instanceof ShipRefused)
  t.match(refused.message, /^This node fetched a file of the job 3 times and it arrived damaged each time \(SHA-256 [0-9a-f]{12}…, not [0-9a-f]{12}…\)\. Check the network/)
  t.same(refused.said.sentence.key, 'noderun:fetch-damaged', 'a sentence of the language files, so the page says it in the reader\'s language')
  t.notOk(existsSync(bad.blobPath(other.files[0]!.sha256)), 'nothing damaged stays in the cache')
})

t.test('a transfer cut off resumes from where it stopped', async (t) => {
  const root = t.testdir()
  const s = server(root, [200_000])
  const cache = new FileCache(join(root, 'cache'), 1e9, s.fetchBlob)
  s.faults.cutAfter = 70_000
  const got = await cache.ensure(s.files)
  t.same(s.asked.map((a) => a.from), [0, 70_000], 'the second request asks for the rest only')
  t.equal(got.bytes, 200_000, 'every byte moved once')
  t.same(readFileSync(cache.blobPath(s.files[0]!.sha256)), s.files[0]!.bytes)
  const again = await cache.ensure(s.files)
  t.same(again, { fetched: 0, bytes: 0 }, 'held: nothing moves')
})

t.test('a full cache lets the least recently used files go, never the job\'s own', async (t) => {
  const root = t.testdir()
  const s = server(root, [400, 300, 200, 500])
  const [a, b, c, d] = s.files
  const dir = join(root, 'cache')
  const cache = new FileCache(dir, 1000, s.fetchBlob)
  await cache.ensure([a!, b!])
  await cache.ensure([c!])
  // a used last of all (a is older on disk than b otherwise)
  utimesSync(cache.blobPath(b!.sha256), new Date(1000), new Date(1000))
  const fresh = new FileCache(dir, 1000, s.fetchBlob) // as after a restart: last use from the disk
  await fresh.ensure([d!, c!])
  t.notOk(existsSync(fresh.blobPath(b!.sha256)), 'the least recently used file went')
  t.notOk(existsSync(fresh.blobPath(a!.sha256)), 'and the next, until the job fits')
  t.ok(existsSync(fresh.blobPath(c!.sha256)), 'the job\'s own file stays')
  t.ok(existsSync(fresh.blobPath(d!.sha256)))
  await t.rejects(fresh.ensure(s.files), { constructor: ShipRefused, message: /This job's files take 0\.00 GB, more than this node's cache may hold .*raise cacheLimitGB/ }, 'a job larger than the cache is refused')
})

t.test('a disk too small for the job is refused before anything moves', async (t) => {
  const root = t.testdir()
  const disk = mountSmallDisk(t, '1m')
  const s = server(root, [3_000_000])
  const dir = disk ?? root
  const cache = new FileCache(join(dir, 'cache'), 1e9, s.fetchBlob, disk ? undefined : async () => 1_000_000)
  await t.rejects(cache.ensure(s.files), { constructor: ShipRefused, message: /This node has 0\.00 GB free on the disk of its cache .* but the job's files need 0\.00 GB more: free some space there/ })
  t.equal(s.asked.length, 0, 'nothing was fetched')
})

t.test('a disk that fills while the files arrive: refused with a sentence, no half file left', async (t) => {
  const root = t.testdir()
  const disk = mountSmallDisk(t, '2m')
  if (!disk) return t.plan(0, 'needs root to mount a small tmpfs')
  const s = server(root, [3_000_000])
  // The disk's free space is said larger than it is (another program filled it after the check).
  const cache = new FileCache(join(disk, 'cache'), 1e9, s.fetchBlob, async () => 10e9)
  await t.rejects(cache.ensure(s.files), { constructor: ShipRefused, message: /^This node's disk ran out of space while fetching the job's files into .*cache: free some space there/ })
  t.equal(s.asked.length, 1, 'not tried again: a full disk stays full')
  t.notOk(existsSync(cache.blobPath(s.files[0]!.sha256)), 'nothing in the cache under the file\'s name')
  t.notOk(existsSync(`${cache.blobPath(s.files[0]!.sha256)}.part`), 'no partial file left filling the disk')
})

t.test('many pieces, pieces that are slices of a larger buffer, and files fetched together: every hash right', async (t) => {
  const root = t.testdir()
  const s = server(root, [5_000_000, 1_234_567, 3, 0])
  const sliced: FetchBlob = async (hash, from) => {
    const bytes = readFileSync(join(root, `store${stores}`, hash)).subarray(from)
    // Odd sizes, some pieces slices of one buffer (as a pooled read gives them), some their own memory.
    return Readable.from((function * () {
      for (let at = 0; at < bytes.length; at += 77_777) yield at % 2 ? Buffer.from(bytes.subarray(at, at + 77_777)) : bytes.subarray(at, at + 77_777)
    })())
  }
  const cache = new FileCache(join(root, 'cache'), 1e9, sliced)
  const got = await cache.ensure(s.files)
  t.equal(got.fetched, 4)
  for (const f of s.files) t.same(readFileSync(cache.blobPath(f.sha256)), f.bytes, `${f.path} whole and in order`)
})
