// The cache of a node without the share: files of job closures, named by their SHA-256
// (<cacheDir>/blobs/<sha256>), so a file used by many jobs is fetched once. Its size has a limit:
// the files used least recently go first (a file's modification time is its last use). A fetch
// is checked against its hash (a damaged one is fetched again) and, when cut off, resumed from
// where it stopped (<sha256>.part and a Range request). A job too large for the limit, or for the
// free disk, is refused with a sentence before anything is fetched.
import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, statfs, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { ClosureFile } from '../schemas/generated/types.ts'
import { HashThread } from './hash-thread.ts'
import { writeTransfer } from './part-writer.ts'
import { RunRefused } from './run-refused.ts'
import { say } from '../common/sentences.ts'
import { mapAtMost } from '../common/map-at-most.ts'

/** A job whose files this node cannot take; its sentence is for the student and staff. */
export class ShipRefused extends RunRefused {}

/** Fetches bytes `from` onwards of a file by hash (a Range request when from > 0). */
export type FetchBlob = (sha256: string, from: number) => Promise<Readable>

const TRIES = 3
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])
/** Files fetched at once: one transfer leaves the network idle while it hashes and writes. */
const PARALLEL = 4
const GB = (n: number) => `${(n / 1e9).toFixed(n < 1e9 ? 2 : 1)} GB`

export class FileCache {
  private index: Map<string, { size: number, used: number }> | null = null
  private readonly hashes = new HashThread()
  /** Bytes moved over the network since the node started (benchmarks and tests read it). */
  fetchedBytes = 0

  constructor (readonly dir: string, readonly limitBytes: number, private readonly fetchBlob: FetchBlob, private readonly freeBytes = diskFree) {}

  blobPath (sha256: string): string { return join(this.dir, 'blobs', sha256) }

  private async load (): Promise<Map<string, { size: number, used: number }>> {
    if (this.index) return this.index
    const index = new Map<string, { size: number, used: number }>()
    await mkdir(join(this.dir, 'blobs'), { recursive: true })
    for (const name of await readdir(join(this.dir, 'blobs'))) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue
      const st = await stat(this.blobPath(name)).catch(() => null)
      if (st?.isFile()) index.set(name, { size: st.size, used: st.mtimeMs })
    }
    return (this.index = index)
  }

  /** Makes every file of a closure present (fetching what is not), and marks them used now. */
  async ensure (files: ClosureFile[]): Promise<{ fetched: number, bytes: number }> {
    const index = await this.load()
    const wanted = new Map(files.map((f) => [f.sha256, f.size]))
    const total = [...wanted.values()].reduce((a, b) => a + b, 0)
    if (total > this.limitBytes) {
      throw new ShipRefused(say('noderun:cache-limit', { size: GB(total), limit: GB(this.limitBytes) }))
    }
    const missing = [...wanted].filter(([sha]) => !index.has(sha))
    const needed = missing.reduce((n, [, size]) => n + size, 0)
    await this.evict(needed, wanted)
    const free = await this.freeBytes(this.dir)
    if (needed > free) {
      throw new ShipRefused(say('noderun:disk-free', { free: GB(free), dir: this.dir, needed: GB(needed) }))
    }
    let bytes = 0
    await mapAtMost(missing, PARALLEL, async ([sha, size]) => {
      bytes += await this.fetchOne(sha, size)
    })
    const now = new Date()
    for (const sha of wanted.keys()) {
      index.get(sha)!.used = now.getTime()
      await utimes(this.blobPath(sha), now, now).catch(() => {})
    }
    return { fetched: missing.length, bytes }
  }

  /** Removes the least recently used files (not those of this job) until `needed` more bytes fit under the limit. */
  private async evict (needed: number, keep: Map<string, number>): Promise<void> {
    const index = this.index!
    let held = [...index.values()].reduce((n, e) => n + e.size, 0)
    const old = [...index].filter(([sha]) => !keep.has(sha)).sort((a, b) => a[1].used - b[1].used)
    for (const [sha, entry] of old) {
      if (held + needed <= this.limitBytes) break
      await rm(this.blobPath(sha), { force: true })
      index.delete(sha)
      held -= entry.size
    }
  }

  /** Fetches one file into the cache, resuming a partial one, until its bytes have its hash; returns the bytes moved. */
  private async fetchOne (sha256: string, size: number): Promise<number> {
    const part = `${this.blobPath(sha256)}.part`
    let moved = 0
    let problem = ''
    let damaged: { got: string } | null = null
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      let have = (await stat(part).catch(() => null))?.size ?? 0
      if (have > size) { await rm(part, { force: true }); have = 0 }
      const hash = this.hashes.start()
      let got: string
      try {
        if (have > 0) for await (const chunk of createReadStream(part)) await hash.update([chunk as Buffer])
        if (size === 0) await writeFile(part, '')
        else if (have < size) {
          const body = await this.fetchBlob(sha256, have)
          await writeTransfer(part, have, body, hash, (bytes) => {
            moved += bytes
            this.fetchedBytes += bytes
          })
        }
        got = await hash.digest()
      } catch (err) {
        hash.drop()
        if (err instanceof ShipRefused) throw err
        if (DISK_FULL.has((err as NodeJS.ErrnoException).code ?? '')) {
          await rm(part, { force: true })
          throw new ShipRefused(say('noderun:disk-full', { dir: this.dir }))
        }
        problem = (err as Error).message
        damaged = null
        continue // cut off: the next attempt resumes from what arrived
      }
      if (got === sha256) {
        await rename(part, this.blobPath(sha256))
        this.index!.set(sha256, { size, used: Date.now() })
        return moved
      }
      damaged = { got }
      await rm(part, { force: true })
    }
    throw new ShipRefused(damaged
      ? say('noderun:fetch-damaged', { tries: TRIES, got: damaged.got.slice(0, 12), want: sha256.slice(0, 12) })
      : say('noderun:fetch-tries', { tries: TRIES, problem }))
  }
}

async function diskFree (dir: string): Promise<number> {
  const s = await statfs(dir)
  return s.bavail * s.bsize
}
