// Writes a stream of bytes to a file atomically while hashing them (SHA-256): into a temp file
// beside it, synced, then renamed over it only when every byte arrived and, when the writer knows
// it, the hash matches. Nothing is held in memory beyond the stream's own chunks, so many at once
// keep a server's memory small. Used for the server's file store and for frames sent by nodes.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { dirname } from 'node:path'
import { syncDirectory } from './atomic-write.ts'
import { asDiskFull } from './disk-full.ts'
import { tempDone, tempPathFor } from './temp-files.ts'

/** The bytes that arrived do not have the hash the sender named. */
export class HashMismatch extends Error {}

export interface HashedFile { sha256: string, size: number }

/** Streams `source` into `path` (atomically); rejects with HashMismatch when `expected` is given and differs (nothing is written then). */
export async function writeHashed (path: string, source: Readable, expected?: string): Promise<HashedFile> {
  const temp = tempPathFor(path)
  const hash = createHash('sha256')
  let size = 0
  const count = new Transform({
    transform (chunk: Buffer, _enc, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    },
  })
  try {
    await pipeline(source, count, createWriteStream(temp, { flags: 'wx' }))
    const sha256 = hash.digest('hex')
    if (expected !== undefined && sha256 !== expected) throw new HashMismatch(`the bytes that arrived have SHA-256 ${sha256}, not ${expected}`)
    const handle = await open(temp, 'r')
    try { await handle.sync() } finally { await handle.close() }
    await rename(temp, path)
    await syncDirectory(dirname(path))
    return { sha256, size }
  } catch (err) {
    await rm(temp, { force: true })
    // A write to an open file names no path: say which file, so the server can say which disk is full.
    throw asDiskFull(err, path)
  } finally {
    tempDone(temp)
  }
}
