// Serialises writers of one file: within this process by a promise chain per path, across
// processes (a second RFAM server on the same share, a script) by proper-lockfile, whose
// mkdir-based lock works on network file systems where flock does not.
import { basename, dirname, join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import lockfile from 'proper-lockfile'

const chains = new Map<string, Promise<unknown>>()

export function lockPathFor (path: string): string {
  return join(dirname(path), `.${basename(path)}.lock`)
}

async function withProcessLock<T> (path: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true })
  const release = await lockfile.lock(path, {
    realpath: false,
    lockfilePath: lockPathFor(path),
    stale: 10_000,
    update: 2_000,
    retries: { retries: 200, factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
  })
  try {
    return await fn()
  } finally {
    await release()
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
