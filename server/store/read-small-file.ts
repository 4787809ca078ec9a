// Reads a small file (a sidecar, a lock's owner) with two round trips through the thread pool,
// open and one read, where readFile takes four or five (open, fstat, read until the end, close):
// on a busy machine each round trip may wait for a free core. The file is closed without waiting.
import { open } from 'node:fs/promises'

/** Bigger files are read on in the usual way. */
const FIRST_READ = 64 * 1024

export async function readSmallFile (path: string): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(FIRST_READ)
    const { bytesRead } = await handle.read(buffer, 0, FIRST_READ, 0)
    if (bytesRead < FIRST_READ) return buffer.toString('utf8', 0, bytesRead)
    return await handle.readFile('utf8') // a read at a position leaves the handle's own at the start
  } finally {
    handle.close().catch(() => {})
  }
}
