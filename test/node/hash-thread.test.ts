// The node's hashing thread: the hash of pieces sent to it is SHA-256 of their bytes in order,
// whether a piece's memory is moved (its own) or copied (a slice of a larger buffer); hashes run
// side by side; a thread that dies fails the running hashes with an error and the next one works.
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { HashThread } from '../../node/hash-thread.ts'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

t.test('pieces in order, moved or copied, several hashes at once', async (t) => {
  const thread = new HashThread()
  const a = randomBytes(3_000_000)
  const b = randomBytes(200_000).subarray(50_000, 150_000) // a slice, as a pooled read gives
  const ha = thread.start()
  const hb = thread.start()
  for (let at = 0; at < a.length; at += 100_000) {
    const own = Buffer.from(a.subarray(at, at + 50_000))
    await ha.update([own, a.subarray(at + 50_000, at + 100_000)])
    t.equal(own.length, 0, 'a piece with memory of its own is moved, not copied') // detached
    if (at === 0) await hb.update([b])
  }
  t.equal(b.length, 100_000, 'a slice stays usable (copied)')
  const [da, db] = await Promise.all([ha.digest(), hb.digest()])
  t.equal(da, sha(a))
  t.equal(db, sha(b))
  t.equal(await thread.start().digest(), sha(Buffer.alloc(0)), 'nothing hashed: the empty hash')
})

t.test('a dropped hash is forgotten; a thread that dies fails what runs, and the next hash works', async (t) => {
  const thread = new HashThread()
  const dropped = thread.start()
  await dropped.update([Buffer.from('abc')])
  dropped.drop()
  const running = thread.start()
  await running.update([Buffer.from('abc')])
  await (thread as unknown as { worker: { terminate: () => Promise<number> } }).worker.terminate()
  await t.rejects(running.digest(), /the hashing thread stopped/)
  const next = thread.start()
  await next.update([Buffer.from('abc')])
  t.equal(await next.digest(), sha(Buffer.from('abc')))
})
