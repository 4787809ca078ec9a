// Atomic file replacement: write a temp file beside the target, fsync it, rename it over the
// target, then fsync the folder. A reader (or a crash) sees the old or the new file, never half.
// A failed write leaves no temp file; a full disk fails with a DiskFullError naming the target.
// Never through a link: a target that is a link is refused (renaming over it would silently turn
// someone's link into a file), and the temp file is made with O_EXCL in the folder's real path.
//
// Each file-system call is a round trip through the thread pool, and on a busy machine each one
// may wait for a free core: calls that do not depend on each other run together (6 round trips
// one after another for a save, where one call at a time took 15).
import { lstat, open, realpath, rename, unlink, mkdir, type FileHandle } from 'node:fs/promises'
import type { BigIntStats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { asDiskFull } from './disk-full.ts'
import { PathRefused } from './path-refused.ts'
import { tempDone, tempPathFor } from './temp-files.ts'

export interface WriteOptions {
  /** Permissions of the new file; 0o600 for files holding secrets (password hashes, credentials, sessions). */
  mode?: number
}

/** What was written, as a stat of the new file would tell: callers keep their caches without reading it back. */
export interface WrittenFile {
  mtimeMs: number
  size: number
}

/** A file replaced by replaceFile(): every reader sees it now; it is on disk for good once `durable` resolves. */
export interface ReplacedFile extends WrittenFile {
  /** Resolves (never rejects) once the rename is on disk too: the folder was synced. */
  durable: Promise<void>
}

/** Resolves once the new file is in place and on disk. */
export async function writeFileAtomic (path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<WrittenFile> {
  const { durable, ...written } = await replaceFile(path, data, options)
  await durable
  return written
}

/**
 * writeFileAtomic() that resolves once the new file is in place (synced, and renamed over the old
 * one), before the rename itself is synced: a writer holding the lock of the file can let go of it
 * meanwhile. Acknowledge the write only once `durable` resolves.
 */
export async function replaceFile (path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<ReplacedFile> {
  try {
    return await replace(path, data, options)
  } catch (err) {
    throw asDiskFull(err, path)
  }
}

async function replace (path: string, data: string | Uint8Array, options: WriteOptions): Promise<ReplacedFile> {
  // The temp file and the rename use one resolved folder: a link swapped in between cannot split them.
  const dir = await realFolder(dirname(path))
  const target = join(dir, basename(path))
  // Dot-prefixed so the asset walker and file watchers ignore it; named after this process so a
  // later start can tell it was left by a writer that is gone (temp-files.ts).
  const temp = tempPathFor(target)
  const mode = options.mode ?? 0o644
  // The folder is opened now for its fsync after the rename; the target is looked at (a link is
  // refused) while the temp file is made. 'wx' (O_EXCL) never opens an existing file, nor follows
  // a link planted under the temp name.
  const folder = open(dir, 'r').catch(() => undefined) // some file systems cannot open a folder to sync it
  const [before, made] = await Promise.allSettled([lstat(target, { bigint: true }), open(temp, 'wx', mode)])
  let handle = made.status === 'fulfilled' ? made.value : undefined
  try {
    if (before.status === 'fulfilled' && before.value.isSymbolicLink()) throw linkRefused(target)
    if (made.status === 'rejected') throw made.reason
    // open() applies the umask; a secret file must not end up wider than asked, nor narrower.
    await together(handle!.chmod(mode), handle!.writeFile(data))
    let [, written] = await together(handle!.sync(), handle!.stat({ bigint: true }))
    if (before.status === 'fulfilled' && !laterThan(written, before.value)) written = await moveTimeOn(handle!, written, before.value)
    // Synced, so closing can lose nothing any more: the rename does not wait for it.
    handle!.close().catch(() => {})
    handle = undefined
    await rename(temp, target)
    return { mtimeMs: msOf(written.mtimeNs), size: Number(written.size), durable: syncFolder(folder) }
  } catch (err) {
    // A write that failed anywhere (a full disk fails the write or the sync) leaves nothing behind:
    // the target is as it was and no temp file stays.
    await handle?.close().catch(() => {})
    if (made.status === 'fulfilled') await unlink(temp).catch(() => {})
    void folder.then((f) => f?.close()).catch(() => {})
    throw err
  } finally {
    tempDone(temp)
  }
}

/** Like Promise.all, but settles only once every call has: none is still running when a failure is cleaned up. */
async function together<A, B> (a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b])
  if (x.status === 'rejected') throw x.reason
  if (y.status === 'rejected') throw y.reason
  return [x.value, y.value]
}

/** Milliseconds from nanoseconds exactly as Node computes Stats.mtimeMs, so the two compare equal. */
function msOf (ns: bigint): number {
  return Number(ns / 1_000_000_000n) * 1e3 + Number(ns % 1_000_000_000n) / 1e6
}

/** The real path of a folder, made first when it does not exist yet. */
async function realFolder (dir: string): Promise<string> {
  try {
    return await realpath(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await mkdir(dir, { recursive: true })
    return realpath(dir)
  }
}

function linkRefused (path: string): Error {
  return new PathRefused('RFAM_PATH_LINK', `"${basename(path)}" is a link; RFAM never writes through links. Replace the link with a copy of the file it points to.`)
}

/**
 * Sync tools (rsync, Unison) take a file of unchanged size and time for unchanged, and file times
 * advance in clock ticks (two plain writes in a row here share one more often than not): two saves
 * of a sidecar within one tick that keep its size (priority 49 → 50) would never reach the other
 * site. And a file synced from a site whose clock runs ahead would otherwise look newer than the
 * edit made to it here. So the new file's modification time must come after the one it replaces.
 */
function laterThan (now: BigIntStats, before: BigIntStats): boolean { return now.mtimeNs > before.mtimeNs }

/** Gives the new file a modification time 1 ms after the one it replaces; its stat after that. */
async function moveTimeOn (handle: FileHandle, now: BigIntStats, before: BigIntStats): Promise<BigIntStats> {
  const later = Number(before.mtimeNs + 1_000_000n) / 1e9 // in seconds
  await handle.utimes(Number(now.atimeNs) / 1e9, later)
  return handle.stat({ bigint: true })
}

/** Makes a folder's entries (a file created, renamed or removed) stick, where the file system can. */
export async function syncDirectory (dir: string): Promise<void> {
  await syncFolder(open(dir, 'r').catch(() => undefined))
}

/** Makes the rename durable; the handle is closed without waiting (the data is on disk by then). */
async function syncFolder (opening: Promise<FileHandle | undefined>): Promise<void> {
  const folder = await opening
  if (!folder) return
  try {
    await folder.sync()
  } catch {
    // Some file systems (and Windows) cannot fsync a directory; the rename is still atomic.
  }
  folder.close().catch(() => {})
}

/** How RFAM writes a JSON file. */
export function jsonText (value: unknown): string { return JSON.stringify(value, null, 2) + '\n' }

export async function writeJsonAtomic (path: string, value: unknown, options: WriteOptions = {}): Promise<WrittenFile> {
  return writeFileAtomic(path, jsonText(value), options)
}
