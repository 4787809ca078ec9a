// Who holds a lock folder: written into it by the process that made it, read by a process that finds
// it taken. A lock of a process that is gone (this machine, its pid no longer exists) is abandoned at
// once; anything else is abandoned only when its holder stopped touching it (see file-lock.ts).
import { stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { HOST, PROCESS_SPACE, processGone } from '../../common/process-space.ts'
import { readSmallFile } from './read-small-file.ts'

export interface LockOwner {
  host: string
  /** Where `pid` is valid (process-space.ts). */
  space: string
  pid: number
  /** Tells this holding apart from any other, by this process or one that had its pid before. */
  token: string
  since: string
}

const OWNER_FILE = 'owner.json'

export async function writeOwner (lockDir: string, token: string): Promise<void> {
  const owner: LockOwner = { host: HOST, space: PROCESS_SPACE, pid: process.pid, token, since: new Date().toISOString() }
  await writeFile(join(lockDir, OWNER_FILE), JSON.stringify(owner) + '\n')
}

/** Removes the owner of a lock (its holder does, to let go of it); gone already is fine. */
export async function removeOwner (lockDir: string): Promise<void> {
  await unlink(join(lockDir, OWNER_FILE)).catch(() => {})
}

/** The owner, or undefined when the folder has none (yet: it is written just after the folder is made) or it cannot be read. */
export async function readOwner (lockDir: string): Promise<LockOwner | undefined> {
  try {
    const data = JSON.parse(await readSmallFile(join(lockDir, OWNER_FILE))) as LockOwner
    return typeof data.pid === 'number' && typeof data.token === 'string' && typeof data.space === 'string' ? data : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether the lock in `lockDir` is abandoned: its owner is a process of this machine that no longer
 * exists (or has this process's pid but is not one of `ours`: an earlier process, a container
 * restarted with the same pid); or, whoever made it, nobody touched it for `staleMs` (a holder
 * touches it every few seconds; a pid that lives on may have been given to another program).
 * A folder that vanished meanwhile counts as abandoned: it is free.
 */
export async function abandoned (lockDir: string, owner: LockOwner | undefined, ours: ReadonlySet<string>, staleMs: number): Promise<boolean> {
  if (owner?.space === PROCESS_SPACE && (owner.pid === process.pid ? !ours.has(owner.token) : processGone(owner.pid))) return true
  try {
    return (await stat(lockDir)).mtimeMs < Date.now() - staleMs
  } catch {
    return true
  }
}
