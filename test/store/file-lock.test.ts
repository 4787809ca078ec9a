// Lock folders left behind: taken over at once when their owner is a process of this machine that is
// gone, waited for while another machine's owner keeps touching them, taken once it stopped.
import t from 'tap'
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

async function timed (file: string): Promise<number> {
  const t0 = performance.now()
  await withFileLock(file, async () => {})
  return performance.now() - t0
}

t.test('a lock of a process of this machine that is gone is taken over at once', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
  leaveLock(file, { space: PROCESS_SPACE, pid: deadPid() })
  const ms = await timed(file)
  t.ok(ms < 500, `taken in ${ms.toFixed(0)} ms`)
  t.same(readdirSync(dir), ['a.json'], 'the lock is gone once released, nothing else is left')
})

t.test('a lock with this process\'s pid that it does not hold (an earlier process, a container restarted) is taken over at once', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
  leaveLock(file, { space: PROCESS_SPACE, pid: process.pid })
  t.ok(await timed(file) < 500)
})

t.test('a lock of another machine is waited for while it is touched, and taken once it is not', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
  const lock = leaveLock(file, { space: 'another machine', pid: process.pid })
  let ran = false
  const waiting = withFileLock(file, async () => { ran = true })
  await sleep(400)
  t.notOk(ran, 'waits while the lock is fresh')
  const old = new Date(Date.now() - STALE_MS - 1000)
  utimesSync(lock, old, old) // its holder stopped touching it
  await waiting
  t.ok(ran, 'runs once the lock is stale')
  t.notOk(existsSync(lock))
})

t.test('a lock of a live process of this machine is waited for', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
  const lock = leaveLock(file, { space: PROCESS_SPACE, pid: process.ppid })
  let ran = false
  const waiting = withFileLock(file, async () => { ran = true })
  await sleep(400)
  t.notOk(ran, 'the owner lives: wait')
  const old = new Date(Date.now() - STALE_MS - 1000)
  utimesSync(lock, old, old) // not touched for long: that pid belongs to some other program now
  await waiting
  t.ok(ran)
})

t.test('a lock folder without an owner (an older RFAM) is judged by its age', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
  const lock = leaveLock(file)
  writeFileSync(join(lock, 'x'), '') // not empty: an empty folder would simply be replaced
  let ran = false
  const waiting = withFileLock(file, async () => { ran = true })
  await sleep(300)
  t.notOk(ran)
  const old = new Date(Date.now() - STALE_MS - 1000)
  utimesSync(lock, old, old)
  await waiting
  t.ok(ran)
})

t.test('an empty lock folder (its holder was killed while letting go of it) is taken at once', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
  leaveLock(file) // no owner, nothing in it
  const ms = await timed(file)
  t.ok(ms < 500, `taken in ${ms.toFixed(0)} ms`)
  t.same(readdirSync(dir), ['a.json'], 'the lock is gone once released, nothing else is left')
})

t.test('letting go never removes a lock that another holder renamed in meanwhile', async (t) => {
  const dir = t.testdir({ 'a.json': '{}' })
  const file = join(dir, 'a.json')
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
