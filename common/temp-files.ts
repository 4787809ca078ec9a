// Temp files (atomic-write.ts) and lock folders being made (file-lock.ts) are named after their writer:
// '.<name>.<space>-<pid>.<random>.tmp', space being where that pid means something (process-space.ts).
// A writer that was killed leaves its temp behind; the sweep removes those whose writer is gone (this
// machine, no such process) or, for another machine's or an older name, that nobody touched for
// FOREIGN_MS: a second server on the same share may be writing one right now.
import { rmSync, statSync } from 'node:fs'
import { readdir, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { PROCESS_SPACE_TAG, processGone } from './process-space.ts'

/** A temp of another machine (or one named before the space was part of the name) is left this long. */
const FOREIGN_MS = 10 * 60_000

const TEMP = /^\..+\.(?:([0-9a-f]{8})-)?(\d+)\.[0-9a-f]+\.tmp$/
/** Names of this process's temps still being written (its own pid does not tell them from an earlier process's). */
const inFlight = new Set<string>()

/** A fresh temp path beside `path`, counted as in flight until tempDone(). */
export function tempPathFor (path: string): string {
  const name = `.${basename(path)}.${PROCESS_SPACE_TAG}-${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  inFlight.add(name)
  return join(dirname(path), name)
}

export function tempDone (temp: string): void { inFlight.delete(basename(temp)) }

export function isTempName (name: string): boolean { return TEMP.test(name) }

/** Whether the temp called `name` was left by a writer that is gone; `mtimeMs` is asked only when needed. */
function abandonedTemp (name: string, mtimeMs: () => number | undefined, now = Date.now()): boolean {
  const m = TEMP.exec(name)
  if (!m) return false
  const [, space, pidText] = m
  const pid = Number(pidText)
  if (space === PROCESS_SPACE_TAG) {
    if (pid === process.pid ? !inFlight.has(name) : processGone(pid)) return true
  }
  const mtime = mtimeMs()
  return mtime !== undefined && mtime < now - FOREIGN_MS
}

/** Removes one abandoned temp (a file, or a lock folder being made); true when it did. */
export function sweepTempSync (file: string): boolean {
  if (!abandonedTemp(basename(file), () => statSync(file, { throwIfNoEntry: false })?.mtimeMs)) return false
  try { rmSync(file, { recursive: true, force: true }) } catch { return false }
  return true
}

export async function sweepTemp (file: string): Promise<boolean> {
  const mtime = await stat(file).then((s) => s.mtimeMs, () => undefined)
  if (!abandonedTemp(basename(file), () => mtime)) return false
  return rm(file, { recursive: true, force: true }).then(() => true, () => false)
}

/** Sweeps one folder (not its subfolders); returns the names removed. A missing folder has none. */
export async function sweepFolder (dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const removed: string[] = []
  for (const name of names) if (isTempName(name) && await sweepTemp(join(dir, name))) removed.push(name)
  return removed
}
