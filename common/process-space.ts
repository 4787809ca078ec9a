// Where a process id means something: this machine since its last boot, inside one pid namespace (a
// container on the same machine counts its processes apart, and may share the host's name). Locks
// and temp files record it beside their writer's pid, so a later process can tell that writer is
// gone (it died, the server was killed) without waiting for a timeout; for a writer elsewhere (another
// machine on the same share) only time can tell.
import { readFileSync, readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { createHash } from 'node:crypto'

function read (what: () => string): string {
  try { return what().trim() } catch { return '' }
}

/** This machine's name, for people reading a lock's owner. */
export const HOST = hostname()

/** The boot, the pid namespace and the host name: equal for two processes that can see each other's pids. */
export const PROCESS_SPACE = [
  read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
  read(() => readlinkSync('/proc/self/ns/pid')),
  HOST,
].join('/')

/** PROCESS_SPACE in 8 letters, short enough for file names. */
export const PROCESS_SPACE_TAG = createHash('sha256').update(PROCESS_SPACE).digest('hex').slice(0, 8)

/** True when no process `pid` exists here (it exited, or was killed). A process of another user is alive. */
export function processGone (pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
