// Serialises writers of one file: within this process by a promise chain per path, across processes
// (a second RFAM server on the same share, a script) by a lock folder beside the file, made with
// a rename, which is atomic on network file systems where flock is not.
//
// The folder holds its owner (lock-owner.ts). A lock left by a process that is gone (the server was
// killed mid-edit) is taken over at once, so the first edit after a restart takes normal time; a lock
// of another machine is taken over once its holder stopped touching it for STALE_MS.
//
// Taking and letting go of a free lock costs about 9 file-system round trips (each of which may
// wait for a free core on a busy machine): the rare cases (a held or abandoned lock) pay for the rest.
import { basename, dirname, join } from 'node:path'
import { mkdir, rename, rm, rmdir, utimes } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { HttpError } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { abandoned, readOwner, removeOwner, writeOwner } from './lock-owner.ts'
import { tempDone, tempPathFor } from '../../common/temp-files.ts'
import { asDiskFull } from '../../common/disk-full.ts'

/** A lock its holder has not touched for this long is abandoned (the holder touches it every TOUCH_MS). */
export const STALE_MS = 10_000
const TOUCH_MS = 2_000
/** How long a writer waits for a held lock before it gives up: a lock can only be waited out after STALE_MS. */
const WAIT_MS = STALE_MS + 5_000

const chains = new Map<string, Promise<unknown>>()
/** Tokens of the locks this process holds now. */
const ours = new Set<string>()

export function lockPathFor (path: string): string {
  return join(dirname(path), `.${basename(path)}.lock`)
}

interface Held { release: () => Promise<void> }

async function acquire (path: string): Promise<Held> {
  const lockDir = lockPathFor(path)
  const token = randomBytes(8).toString('hex')
  // The lock is made whole beside its place, then renamed into it: a lock folder never exists
  // without its owner, not even for a moment (a server killed then would leave one nobody can judge).
  // A folder that is there already (not empty) makes the rename fail: the lock is held. (An empty
  // one, as RFAM before owner files left, is replaced: run one version of RFAM on a share.)
  const staging = await stage(path, token)
  const deadline = Date.now() + WAIT_MS
  let delay = 2
  try {
    for (;;) {
      try {
        await rename(staging, lockDir)
        break
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err
      }
      if (await takeOverAbandoned(path, lockDir)) continue
      if (Date.now() > deadline) throw busy(path)
      await sleep(delay * (0.5 + Math.random()))
      delay = Math.min(delay * 1.5, 50)
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  } finally {
    tempDone(staging)
  }
  ours.add(token)
  const touch = setInterval(() => { const now = new Date(); utimes(lockDir, now, now).catch(() => {}) }, TOUCH_MS)
  touch.unref()
  return {
    release: async () => {
      clearInterval(touch)
      ours.delete(token)
      // Never remove a lock someone took over meanwhile (this process stalled past STALE_MS). A lock
      // that cannot be removed is not worth failing a save that is done: untouched, it goes stale.
      const owner = await readOwner(lockDir)
      if (owner !== undefined && owner.token !== token) return
      // Removed where it is: once its owner is gone the folder is empty, which counts as free (a new
      // lock renamed onto it replaces it, a holder killed right then leaves nothing to wait for), and
      // rmdir never removes a lock renamed in meanwhile, which holds its owner.
      await removeOwner(lockDir)
      await rmdir(lockDir).catch(() => {})
    },
  }
}

/**
 * A new lock folder holding its owner, named like a temp file (temp-files.ts) so that one left by a
 * killed process is swept at the next start. Fails (a full disk) rather than lock without an owner.
 */
async function stage (path: string, token: string): Promise<string> {
  const staging = tempPathFor(path + '.lock')
  try {
    await mkdir(staging).catch(async (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      await mkdir(dirname(path), { recursive: true }) // the file's folder is made at its first save
      await mkdir(staging)
    })
    await writeOwner(staging, token)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    tempDone(staging)
    throw asDiskFull(err, path)
  }
  return staging
}

/** Removes the lock when it is abandoned; true when it did (or the lock went away meanwhile): try again at once. */
async function takeOverAbandoned (path: string, lockDir: string): Promise<boolean> {
  const owner = await readOwner(lockDir)
  if (!await abandoned(lockDir, owner, ours, STALE_MS)) return false
  const moved = await moveAway(path, lockDir)
  if (!moved) return true
  // Another waiter may have taken it over and made a fresh one just before: that one goes back.
  if ((await readOwner(moved))?.token !== owner?.token && await rename(moved, lockDir).then(() => true, () => false)) {
    tempDone(moved)
    return true
  }
  await bury(moved)
  return true
}

/**
 * Takes a lock folder out of its place in one step (a rename): deleting it in place would leave it
 * empty for a moment, and renaming a new lock onto an empty folder succeeds. Undefined when it is gone.
 */
async function moveAway (path: string, lockDir: string): Promise<string | undefined> {
  const grave = tempPathFor(path + '.lock')
  try {
    await rename(lockDir, grave)
    return grave
  } catch (err) {
    tempDone(grave)
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

async function bury (grave: string): Promise<void> {
  await rm(grave, { recursive: true, force: true }).catch(() => {}) // else swept at the next start
  tempDone(grave)
}

function busy (path: string): HttpError {
  return new HttpError(503, 'RFAM_BUSY', say('error:busy', { file: basename(path) }))
}

async function withProcessLock<T> (path: string, fn: () => Promise<T>): Promise<T> {
  const held = await acquire(path)
  try {
    return await fn()
  } finally {
    await held.release()
  }
}

/** Runs `fn` while holding the lock of `path` (the file need not exist). */
export function withFileLock<T> (path: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(path) ?? Promise.resolve()
  const run = previous.catch(() => {}).then(() => withProcessLock(path, fn))
  const tail = run.catch(() => {})
  chains.set(path, tail)
  void tail.then(() => { if (chains.get(path) === tail) chains.delete(path) })
  return run
}
