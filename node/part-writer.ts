// Writes a transfer's bytes after those a partial file (<sha256>.part) holds: gathered into pieces
// of about a MB, each written (one writev) by position without waiting for the one before (at most
// WRITES at once), so the next bytes arrive while the disk takes the last; each piece, once on disk,
// goes to the hash in order. A transfer cut off keeps all that arrived; after a failed write the file may
// have a hole, so it is removed and the next try starts from the beginning.
import { open, rm } from 'node:fs/promises'
import type { RunningHash } from './hash-thread.ts'

const PIECE = 1 << 20
const WRITES = 4

export async function writeTransfer (part: string, from: number, body: AsyncIterable<Buffer>, hash: RunningHash, arrived: (bytes: number) => void): Promise<void> {
  // Written by position, so not opened for appending (Linux appends such writes anywhere).
  const out = await open(part, from > 0 ? 'r+' : 'w')
  const steps: Array<Promise<void>> = []
  let last: Promise<void> = Promise.resolve()
  let at = from
  let writeFailed = false
  let gathered: Buffer[] = []
  let size = 0
  const flush = () => {
    if (size === 0) return
    // The arrived chunks as they are (each its own memory), in one call: no copying them together.
    const pieces = gathered
    const length = size
    gathered = []
    size = 0
    const written = out.writev(pieces, at).then(({ bytesWritten }) => {
      // A short write to a regular file: the disk is full.
      if (bytesWritten !== length) throw Object.assign(new Error(`only ${bytesWritten} of ${length} bytes reached the disk`), { code: 'ENOSPC' })
    })
    written.catch(() => { writeFailed = true })
    at += length
    // Hashed after it is on disk (the hash thread takes the pieces' memory) and after the pieces before it.
    last = Promise.all([last, written]).then(() => {
      arrived(length)
      return hash.update(pieces)
    })
    last.catch(() => {}) // thrown where awaited below; not unhandled meanwhile
    steps.push(last)
  }
  let cut: unknown = null
  try {
    for await (const chunk of body) {
      gathered.push(chunk)
      size += chunk.length
      if (size >= PIECE) {
        flush()
        if (steps.length >= WRITES) await steps.shift()
      }
    }
  } catch (err) {
    cut = err
  }
  flush() // what arrived before a cut is kept too
  const all = await Promise.allSettled(steps)
  await out.close()
  if (writeFailed) await rm(part, { force: true })
  // A failed write says more (a full disk) than the cut it may have caused.
  const failed = all.find((r) => r.status === 'rejected')
  if (failed) throw (failed as PromiseRejectedResult).reason
  if (cut) throw cut
}
