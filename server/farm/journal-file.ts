// One journal file (<farm>/journal/<n>.ndjson): lines appended and on disk when append() returns.
// A write is on disk whole or not at all. A short write (a disk filling up takes what fits) goes on
// with the rest; a write that fails half-way is cut off again, so no part of a refused change stays
// behind to be replayed at the next start, and no later line lands after a torn one.
import { constants } from 'node:fs'
import { open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Writes are on disk when they return (O_DSYNC: as if each were followed by fdatasync): one
 * request to the thread pool per sync instead of two, hundreds of times a second. Where the flag
 * does not exist (Windows), write then fdatasync.
 */
const DSYNC = constants.O_DSYNC ?? 0
const FLAGS = DSYNC ? constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | DSYNC : 'a'

export class JournalFile {
  /** Bytes of whole lines on disk. */
  bytes = 0
  /** A failed write left bytes after `bytes` that could not be cut off yet. */
  private torn = false

  private constructor (readonly path: string, private readonly fd: FileHandle) {}

  static async open (path: string): Promise<JournalFile> {
    const fd = await open(path, FLAGS)
    const file = new JournalFile(path, fd)
    file.bytes = (await fd.stat()).size
    return file
  }

  async append (data: Buffer): Promise<void> {
    await this.settle()
    let at = 0
    try {
      while (at < data.length) {
        const { bytesWritten } = await this.fd.write(data, at, data.length - at)
        if (bytesWritten <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
        at += bytesWritten
      }
      if (!DSYNC) await this.fd.datasync()
    } catch (err) {
      this.torn = true
      await this.settle().catch(() => {}) // tried again before the next write
      throw err
    }
    this.bytes += data.length
  }

  /** Cuts off what a failed write left (and makes that stick); throws while it cannot. */
  async settle (): Promise<void> {
    if (!this.torn) return
    await this.fd.truncate(this.bytes)
    await this.fd.sync()
    this.torn = false
  }

  async close (): Promise<void> {
    await this.fd.close()
  }
}

/** Writes (and removes) a file of `bytes` in the journal's folder: throws when there is no room for them. */
export async function probeRoom (dir: string, bytes: number): Promise<void> {
  const path = join(dir, '.room')
  const probe = await open(path, 'w')
  try {
    await probe.writeFile(Buffer.alloc(bytes))
    await probe.sync()
  } finally {
    await probe.close()
    await unlink(path).catch(() => {})
  }
}
