// Atomic writes as sync tools see them: every save of a file gets a modification time after the
// one it replaces, even within one clock tick at the same size (rsync and Unison take unchanged
// size and time for an unchanged file) and when the file came from a site whose clock runs ahead
// (Unison's -prefer newer would let the older edit win).
import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeFileAtomic, writeJsonAtomic } from '../../server/store/atomic-write.ts'

t.test('fifty saves in a row at the same size: each has a later modification time, the last is what is there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-atomic-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'cake.blend.json')
  let before = -1n
  let later = 0
  for (let i = 10; i < 60; i++) {
    await writeJsonAtomic(file, { name: 'Cake', priority: i }) // the same size each time
    const mtime = statSync(file, { bigint: true }).mtimeNs
    if (mtime > before) later++
    before = mtime
  }
  t.equal(later, 50, 'each of 50 saves has a later time than the file it replaced')
  t.same(JSON.parse(readFileSync(file, 'utf8')), { name: 'Cake', priority: 59 }, 'the last save is what is there')
  await writeFileAtomic(join(dir, 'new.txt'), 'x')
  t.ok(Math.abs(Number(statSync(join(dir, 'new.txt')).mtimeMs) - Date.now()) < 5000, 'a new file keeps the time it was written')
})

t.test('a file from a site whose clock runs ahead: the local save is still the later one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-atomic-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'cake.blend.json')
  await writeJsonAtomic(file, { name: 'Cake', priority: 10 })
  const ahead = new Date(Date.now() + 60_000)
  utimesSync(file, ahead, ahead) // as a sync tool leaves it, with the other site's time
  await writeJsonAtomic(file, { name: 'Cake', priority: 11 })
  t.ok(statSync(file).mtimeMs > ahead.getTime(), 'the new save is newer than the file it replaced')
})
