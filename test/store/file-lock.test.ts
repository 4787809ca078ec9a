// Lock folders left behind: taken over at once when their owner is a process of this machine that is
// gone, waited for while another machine's owner keeps touching them, taken once it stopped.
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { lockPathFor, withFileLock, STALE_MS } from '../../server/store/file-lock.ts'
import { PROCESS_SPACE } from '../../common/process-space.ts'

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!

function leaveLock (file: string, owner?: Record<string, unknown>): string {
  const dir = lockPathFor(file)
  mkdirSync(dir)
  if (owner) writeFileSync(join(dir, 'owner.json'), JSON.stringify({ host: 'vm', token: 'left', since: new Date().toISOString(), ...owner }))
  return dir
}

/** A folder of the test's own holding a.json, the file the tests lock. */
function lockedFile (t: Test): { dir: string, file: string } {
  const dir = t.testdir({ 'a.json': '{}' })
  return { dir, file: join(dir, 'a.json') }
}

/** Takes and releases the lock of `file`: at once (under 500 ms), leaving nothing but the file. */
async function takenAtOnce (t: Test, dir: string, file: string): Promise<void> {
  const t0 = performance.now()
  await withFileLock(file, async () => {})
  const ms = performance.now() - t0
  t.ok(ms < 500, `taken in ${ms.toFixed(0)} ms`)
  t.same(readdirSync(dir), ['a.json'], 'the lock is gone once released, nothing else is left')
}

/**
 * Asks for the lock of `file` while `lock` (left by another) is fresh: it is waited for `waitMs`; once
 * `lock` looks untouched for longer than STALE_MS, it is taken.
 */
async function waitedForUntilStale (t: Test, file: string, lock: string, waitMs: number, why?: string): Promise<void> {
  let ran = false
  const waiting = withFileLock(file, async () => { ran = true })
  await sleep(waitMs)
  t.notOk(ran, why ?? 'waits while the lock is fresh')
  const old = new Date(Date.now() - STALE_MS - 1000)
  utimesSync(lock, old, old)
  await waiting
  t.ok(ran, 'runs once the lock is stale')
}

t.test('a lock of a process of this machine that is gone is taken over at once', async (t) => {
  const { dir, file } = lockedFile(t)
  leaveLock(file, { space: PROCESS_SPACE, pid: deadPid() })
  await takenAtOnce(t, dir, file)
})

t.test('a lock with this process\'s pid that it does not hold (an earlier process, a container restarted) is taken over at once', async (t) => {
  const { dir, file } = lockedFile(t)
  leaveLock(file, { space: PROCESS_SPACE, pid: process.pid })
  await takenAtOnce(t, dir, file)
})

t.test('a lock of another machine is waited for while it is touched, and taken once it is not', async (t) => {
  const { file } = lockedFile(t)
  const lock = leaveLock(file, { space: 'another machine', pid: process.pid })
  await waitedForUntilStale(t, file, lock, 400) // until its holder stops touching it
  t.notOk(existsSync(lock))
})

t.test('a lock of a live process of this machine is waited for', async (t) => {
  const { file } = lockedFile(t)
  const lock = leaveLock(file, { space: PROCESS_SPACE, pid: process.ppid })
  // Then not touched for long: that pid belongs to some other program now.
  await waitedForUntilStale(t, file, lock, 400, 'the owner lives: wait')
})

t.test('a lock folder without an owner (an older RFAM) is judged by its age', async (t) => {
  const { file } = lockedFile(t)
  const lock = leaveLock(file)
  writeFileSync(join(lock, 'x'), '') // not empty: an empty folder would simply be replaced
  await waitedForUntilStale(t, file, lock, 300)
})

t.test('an empty lock folder (its holder was killed while letting go of it) is taken at once', async (t) => {
  const { dir, file } = lockedFile(t)
  leaveLock(file) // no owner, nothing in it
  await takenAtOnce(t, dir, file)
})

t.test('letting go never removes a lock that another holder renamed in meanwhile', async (t) => {
  const { file } = lockedFile(t)
  const lock = lockPathFor(file)
  await withFileLock(file, async () => {
    // This holder stalled past STALE_MS and another took the lock over: it now holds another owner.
    writeFileSync(join(lock, 'owner.json'), JSON.stringify({ host: 'vm', space: 'another machine', pid: 1, token: 'theirs', since: new Date().toISOString() }))
  })
  t.same(readdirSync(lock), ['owner.json'], 'their lock is still there')
  t.match(readFileSync(join(lock, 'owner.json'), 'utf8'), /"token":"theirs"/, 'with their owner')
})

t.test('in one process, writers of one file take turns and every lock is gone after', async (t) => {
  const dir = t.testdir({})
  const file = join(dir, 'a.json')
  let inside = 0
  let most = 0
  await Promise.all(Array.from({ length: 20 }, () => withFileLock(file, async () => {
    inside++
    most = Math.max(most, inside)
    await sleep(2)
    inside--
  })))
  t.equal(most, 1)
  t.same(readdirSync(dir), [], 'no lock and no lock being made is left')
})
