// Atomic file replacement: write a temp file beside the target, fsync it, rename it over the
// target, then fsync the folder. A reader (or a crash) sees the old or the new file, never half.
import { open, rename, unlink, mkdir, stat, utimes } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'

export interface WriteOptions {
  /** Permissions of the new file; 0o600 for files holding secrets (password hashes, credentials, sessions). */
  mode?: number
}

export async function writeFileAtomic (path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, { recursive: true })
  // Dot-prefixed so the asset walker and file watchers ignore it.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const mode = options.mode ?? 0o644
  const handle = await open(temp, 'w', mode)
  try {
    // open() applies the umask; a secret file must not end up wider than asked, nor narrower.
    await handle.chmod(mode)
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await laterThanBefore(temp, path)
    await rename(temp, path)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
  await syncDirectory(dir)
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

async function syncDirectory (dir: string): Promise<void> {
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
