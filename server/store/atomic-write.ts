// Atomic file replacement: write a temp file beside the target, fsync it, rename it over the
// target, then fsync the folder. A reader (or a crash) sees the old or the new file, never half.
// A failed write leaves no temp file; a full disk fails with a DiskFullError naming the target.
// Never through a link: a target that is a link is refused (renaming over it would silently turn
// someone's link into a file), and the temp file is made with O_EXCL in the folder's real path.
import { lstat, open, realpath, rename, unlink, mkdir, stat, utimes } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { badRequest } from '../errors.ts'
import { asDiskFull } from './disk-full.ts'
import { tempDone, tempPathFor } from './temp-files.ts'

export interface WriteOptions {
  /** Permissions of the new file; 0o600 for files holding secrets (password hashes, credentials, sessions). */
  mode?: number
}

export async function writeFileAtomic (path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  try {
    await replace(path, data, options)
  } catch (err) {
    throw asDiskFull(err, path)
  }
}

async function replace (path: string, data: string | Uint8Array, options: WriteOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  // The temp file and the rename use one resolved folder: a link swapped in between cannot split them.
  const dir = await realpath(dirname(path))
  const target = join(dir, basename(path))
  await refuseLink(target)
  // Dot-prefixed so the asset walker and file watchers ignore it; named after this process so a
  // later start can tell it was left by a writer that is gone (temp-files.ts).
  const temp = tempPathFor(target)
  const mode = options.mode ?? 0o644
  let created = false
  try {
    // 'wx' (O_EXCL) never opens an existing file, nor follows a link planted under the temp name.
    const handle = await open(temp, 'wx', mode)
    created = true
    try {
      // open() applies the umask; a secret file must not end up wider than asked, nor narrower.
      await handle.chmod(mode)
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await laterThanBefore(temp, target)
    await rename(temp, target)
  } catch (err) {
    // A write that failed anywhere (a full disk fails the write, the sync or even the close) leaves
    // nothing behind: the target is as it was and no temp file stays.
    if (created) await unlink(temp).catch(() => {})
    throw err
  } finally {
    tempDone(temp)
  }
  await syncDirectory(dir)
}

async function refuseLink (path: string): Promise<void> {
  const st = await lstat(path).catch(() => null)
  if (st?.isSymbolicLink()) {
    throw badRequest('RFAM_PATH_LINK', `"${basename(path)}" is a link; RFAM never writes through links. Replace the link with a copy of the file it points to.`)
  }
}

/**
 * Gives the new file a modification time after the one it replaces. Sync tools (rsync, Unison)
 * take a file of unchanged size and time for unchanged, and file times advance in clock ticks (two
 * plain writes in a row here share one more often than not): two saves of a sidecar within one
 * tick that keep its size (priority 49 → 50) would never reach the other site. And a file synced
 * from a site whose clock runs ahead would otherwise look newer than the edit made to it here.
 */
async function laterThanBefore (temp: string, target: string): Promise<void> {
  const before = await stat(target, { bigint: true }).catch(() => null)
  if (!before) return
  const now = await stat(temp, { bigint: true })
  if (now.mtimeNs > before.mtimeNs) return
  const later = Number(before.mtimeNs + 1_000_000n) / 1e9 // 1 ms on, in seconds
  await utimes(temp, Number(now.atimeNs) / 1e9, later)
}

/** Makes a folder's entries (a file created, renamed or removed) stick, where the file system can. */
export async function syncDirectory (dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try { await handle.sync() } finally { await handle.close() }
  } catch {
    // Some file systems (and Windows) cannot fsync a directory; the rename is still atomic.
  }
}

export async function writeJsonAtomic (path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', options)
}
