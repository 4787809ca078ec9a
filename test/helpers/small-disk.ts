// A small disk for tests of a full disk, for real: a tmpfs mounted on a new folder (root only) and
// filled with one big file.
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Tap { teardown: (fn: () => unknown) => void }

/** A new tmpfs of `size` (mount's syntax: '2m'), unmounted at teardown; undefined where mounting is not allowed. */
export function mountSmallDisk (t: Tap, size: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined
  // A mount point, so outside the repository on purpose (not t.testdir()): tap removes a test's
  // folder by walking it, and a lazily unmounted tmpfs must never be under one.
  const dir = mkdtempSync(join(tmpdir(), 'rfam-small-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch {
    rmdirSync(dir)
    return undefined
  }
  t.teardown(() => {
    execFileSync('umount', ['-l', dir])
    rmdirSync(dir)
  })
  return dir
}

/** Fills the disk holding `dir` to the last byte with one file; returns how to free it again. */
export function fillDisk (dir: string): () => void {
  const file = join(dir, 'filler.bin')
  const fd = openSync(file, 'w')
  for (const size of [1 << 20, 1 << 16, 4096, 512, 1]) {
    const chunk = Buffer.alloc(size, 1)
    for (;;) {
      try { writeSync(fd, chunk) } catch { break }
    }
  }
  closeSync(fd)
  let freed = false
  return () => {
    if (!freed) unlinkSync(file)
    freed = true
  }
}
