// Atomic writes as sync tools see them: every save of a file gets a modification time after the
// one it replaces, even within one clock tick at the same size (rsync and Unison take unchanged
// size and time for an unchanged file) and when the file came from a site whose clock runs ahead
// (Unison's -prefer newer would let the older edit win).
import t from 'tap'
import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { replaceFile, writeFileAtomic, writeJsonAtomic } from '../../common/atomic-write.ts'
import { testFolder } from '../helpers/folders.ts'

t.test('fifty saves in a row at the same size: each has a later modification time, the last is what is there', async (t) => {
  const dir = testFolder(t, 'atomic')
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
  const dir = testFolder(t, 'atomic')
  const file = join(dir, 'cake.blend.json')
  await writeJsonAtomic(file, { name: 'Cake', priority: 10 })
  const ahead = new Date(Date.now() + 60_000)
  utimesSync(file, ahead, ahead) // as a sync tool leaves it, with the other site's time
  await writeJsonAtomic(file, { name: 'Cake', priority: 11 })
  t.ok(statSync(file).mtimeMs > ahead.getTime(), 'the new save is newer than the file it replaced')
})

t.test('never through a link: a target that is a link is refused and left as it was', async (t) => {
  const dir = t.testdir({ project: { 'real.json': '{"a":1}\n' }, outside: {} })
  const project = join(dir, 'project')
  const outside = join(dir, 'outside')
  symlinkSync(join(project, 'real.json'), join(project, 'link.json'))
  symlinkSync(join(outside, 'planted.json'), join(project, 'dangling.json'))
  for (const name of ['link.json', 'dangling.json']) {
    await t.rejects(writeJsonAtomic(join(project, name), { b: 2 }), { name: 'PathRefused', code: 'RFAM_PATH_LINK', message: `"${name}" is a link; RFAM never writes through links. Replace the link with a copy of the file it points to.` }, name)
    t.ok(lstatSync(join(project, name)).isSymbolicLink(), `${name} is still the link it was`)
  }
  t.equal(readFileSync(join(project, 'real.json'), 'utf8'), '{"a":1}\n', 'the file a link points to is unchanged')
  t.same(readdirSync(outside), [], 'nothing was created where the dangling link points')
  t.same(readdirSync(project).sort(), ['dangling.json', 'link.json', 'real.json'], 'no temp file left behind')
})

t.test('the temp file and the rename happen in the folder\'s real path', async (t) => {
  const dir = t.testdir({ real: {} })
  symlinkSync(join(dir, 'real'), join(dir, 'mounted'))
  await writeFileAtomic(join(dir, 'mounted', 'a.txt'), 'x', { mode: 0o600 })
  t.equal(readFileSync(join(dir, 'real', 'a.txt'), 'utf8'), 'x', 'a folder reached through a link (as a share may be) still works')
  t.equal(statSync(join(dir, 'real', 'a.txt')).mode & 0o777, 0o600)
})

t.test('replaceFile: the new file is in place when it resolves, and its durable promise resolves too', async (t) => {
  const dir = t.testdir({ 'a.json': '{"a":1}\n' })
  const replaced = await replaceFile(join(dir, 'a.json'), '{"a":2}\n')
  t.equal(readFileSync(join(dir, 'a.json'), 'utf8'), '{"a":2}\n', 'readers see the new file at once')
  t.same({ mtimeMs: replaced.mtimeMs, size: replaced.size }, { mtimeMs: statSync(join(dir, 'a.json')).mtimeMs, size: 8 }, 'its time and size as a stat tells them')
  await replaced.durable
  t.same(readdirSync(dir), ['a.json'], 'no temp file left')
})
