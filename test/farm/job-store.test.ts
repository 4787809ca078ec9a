// Job files and the journal: what was acknowledged survives a crash (a store dropped without
// closing), torn and damaged lines are listed (never applied), old journal lines never undo newer
// files, a clean close leaves no journal behind. On a disk that fills up (a small tmpfs, as root):
// a refused line puts its job back as on disk, job files never hold a change not yet written, a
// refused job leaves nothing, and a store loaded on a full disk is read-only until there is room.
import t from 'tap'
import { readdirSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { JobStore, type JobStoreOptions } from '../../server/farm/job-store.ts'
import { createJob } from '../../server/farm/job-factory.ts'
import type { Job } from '../../schemas/generated/types.ts'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'
import { until } from '../helpers/until.ts'

const quiet = { warn: () => {}, error: () => {} }
const newJob = (id: string) => createJob({ id, now: 0, project: 'red', projectDir: 'data::red', body: { file: 'a.blend', frameStart: 1, frameEnd: 4 } })
const ID1 = '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b'
const ID2 = '1b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b'

/**
 * A store on a farm folder of the test's own (or `farmDir`), loaded, with one new job (ID1) created:
 * the start of most tests here. The job is the store's own object, changed in place as the farm does.
 */
async function storeWithJob (t: Tap, options: Partial<JobStoreOptions> = {}) {
  const farmDir = options.farmDir ?? testFolder(t, 'farm')
  const store = new JobStore({ farmDir, log: quiet, ...options })
  await store.load()
  const job = newJob(ID1)
  await store.create(job)
  return { farmDir, store, job }
}

/**
 * Another store loading the same folder, and what it loaded: after a crash, `crashed` (the first one)
 * was never closed. Both are closed when the test ends; the crashed one may fail to, and need not.
 */
async function loadAgain (t: Tap, farmDir: string, crashed?: JobStore) {
  const store = new JobStore({ farmDir, log: quiet })
  t.teardown(async () => {
    await store.close()
    await crashed?.close().catch(() => {})
  })
  return { store, loaded: (await store.load())[0] }
}

/** The job file of ID1 as it is on disk now. */
const jobFile = (farmDir: string) => JSON.parse(readFileSync(join(farmDir, 'jobs', `${ID1}.json`), 'utf8')) as Job

t.test('acknowledged changes survive a crash', async (t) => {
  const { farmDir, store: a, job } = await storeWithJob(t, { snapshotEveryMs: 60_000 })
  job.tasks[0]!.status = 'active'
  job.tasks[0]!.node = 'pc-01'
  job.status = 'active'
  await a.record(job, [0])
  job.tasks[0]!.status = 'completed'
  job.tasks[0]!.framesDone = [1]
  await Promise.all([a.record(job, [0]), a.record(job, [])])
  t.same(await a.journalFiles(), ['1.ndjson'], 'changes went to the journal')
  // "Crash": a second store reads the same folder without the first being closed.
  const { store: b, loaded } = await loadAgain(t, farmDir, a)
  t.equal(loaded!.status, 'active')
  t.equal(loaded!.tasks[0]!.status, 'completed')
  t.same(loaded!.tasks[0]!.framesDone, [1])
  t.equal(loaded!.revision, 3)
  t.same(await b.journalFiles(), ['2.ndjson'], 'replayed journal files are removed after the job files are rewritten')
  const onDisk = jobFile(farmDir)
  t.equal(onDisk.tasks[0]!.status, 'completed', 'the job file holds the replayed state')
})

t.test('journal lines carry the job\'s own fields only when they changed', async (t) => {
  const { farmDir, store: a, job } = await storeWithJob(t, { snapshotEveryMs: 60_000 })
  job.status = 'active'
  job.tasks[0]!.status = 'active'
  await a.record(job, [0])
  job.tasks[1]!.status = 'active'
  await a.record(job, [1])
  job.priority = 7
  job.tasks[2]!.status = 'active'
  await a.record(job, [2])
  job.tasks[0]!.status = 'completed'
  await a.record(job, [0])
  const lines = readFileSync(join(farmDir, 'journal', '1.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { r: number, h?: Job })
  t.same(lines.map((l) => l.h?.priority ?? null), [0, null, 7, null], 'fields go in when they change, not with every task change')
  // "Crash": replaying lines without fields keeps the fields of the lines before them.
  const { loaded } = await loadAgain(t, farmDir, a)
  t.match(loaded, { status: 'active', priority: 7, revision: 4 })
  t.same(loaded!.tasks.map((task) => task.status), ['completed', 'active', 'active', 'queued'])
})

t.test('a torn last line is ignored; old lines never undo a newer job file', async (t) => {
  const { farmDir, store: a, job } = await storeWithJob(t, { snapshotEveryMs: 60_000 })
  job.tasks[1]!.status = 'active'
  await a.record(job, [1])
  await a.close() // writes the job file at revision 1 and removes the journal
  // Put back an old journal line (revision 1, task active) and a newer file state by hand.
  const file = join(farmDir, 'jobs', `${ID1}.json`)
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Job
  saved.tasks[1]!.status = 'completed'
  saved.revision = 5
  writeFileSync(file, JSON.stringify(saved))
  const { tasks, ...h } = { ...saved, revision: 1 }
  appendFileSync(join(farmDir, 'journal', '7.ndjson'), JSON.stringify({ j: ID1, r: 1, h, t: { 1: { ...tasks[1], status: 'active' } } }) + '\n{"j":"' + ID1 + '","r":9,"h":{"na')
  const warnings: string[] = []
  const b = new JobStore({ farmDir, log: { warn: (_f, m) => warnings.push(m), error: (_f, m) => warnings.push(m) } })
  const [loaded] = await b.load()
  t.equal(loaded!.tasks[1]!.status, 'completed', 'the older journal line was not applied')
  t.same(b.damaged, [{ file: join(farmDir, 'journal', '7.ndjson'), line: 2, torn: true, job: ID1 }], 'the torn last line is listed, with its job (the farm reports it)')
  t.same(warnings, [], 'and the store itself logs nothing')
  t.same(await b.journalFiles(), ['8.ndjson'], 'numbering continues after the highest journal file')
  await b.close()
})

t.test('broken job files are reported and skipped, the rest load', async (t) => {
  const farmDir = testFolder(t, 'farm')
  const a = new JobStore({ farmDir, log: quiet })
  await a.load()
  await a.create(newJob(ID1))
  await a.close()
  writeFileSync(join(farmDir, 'jobs', `${ID2}.json`), '{"id": "nonsense"')
  const warnings: Array<{ file?: string, msg: string }> = []
  const b = new JobStore({ farmDir, log: { warn: (f, msg) => warnings.push({ ...f, msg }), error: () => {} } })
  const jobs = await b.load()
  t.same(jobs.map((j) => j.id), [ID1])
  t.match(warnings[0], { msg: /damaged job file: it cannot be read and is left alone/, file: join(farmDir, 'jobs', `${ID2}.json`) })
  await b.close()
})

t.test('job files are rewritten while a job changes, and the journal shrinks', async (t) => {
  const { farmDir, store: a, job } = await storeWithJob(t, { snapshotEveryMs: 30, segmentBytes: 2000 })
  for (let i = 0; i < 20; i++) {
    job.priority = i
    await a.record(job, [i % 4])
  }
  await until('the job file caught up and the journal shrunk', async () => jobFile(farmDir).priority === 19 && (await a.journalFiles()).length <= 2)
  const files = await a.journalFiles()
  t.ok(files.length <= 2, `old journal files are deleted (${files.join(', ')})`)
  const onDisk = jobFile(farmDir)
  t.equal(onDisk.priority, 19, 'the job file caught up')
  await a.remove(ID1)
  t.same(readdirSync(join(farmDir, 'jobs')), [], 'remove deletes the file')
  await a.close()
  t.same(readdirSync(join(farmDir, 'journal')), [], 'a clean close leaves no journal')
})

t.test('a damaged line in the middle is listed; one whose job cannot be read names none', async (t) => {
  const { farmDir, store: a, job } = await storeWithJob(t, { snapshotEveryMs: 60_000 })
  for (const i of [0, 1, 2]) {
    job.tasks[i]!.status = 'active'
    await a.record(job, [i])
  }
  const file = join(farmDir, 'journal', '1.ndjson')
  const lines = readFileSync(file, 'utf8').split('\n')
  lines[0] = lines[0]!.slice(0, 60) + '%%' + lines[0]!.slice(62)
  lines[1] = 'x' + lines[1]!.slice(1)
  writeFileSync(file, lines.join('\n'))
  const { store: b, loaded } = await loadAgain(t, farmDir, a)
  t.same(b.damaged, [{ file, line: 1, torn: false, job: ID1 }, { file, line: 2, torn: false }])
  t.same(loaded!.tasks.map((x) => x.status), ['queued', 'queued', 'active', 'queued'], 'the lines after them are replayed')
})

t.test('job files hold what is on disk, never a change in memory whose line is not written', async (t) => {
  const { farmDir, store: a, job } = await storeWithJob(t, { snapshotEveryMs: 30 })
  job.tasks[0]!.status = 'active'
  await a.record(job, [0])
  job.priority = 99 // changed in memory, never recorded
  job.tasks[1]!.status = 'active'
  await until('a snapshot of the job file', () => jobFile(farmDir).revision === 1)
  const onDisk = jobFile(farmDir)
  t.match(onDisk, { revision: 1, priority: 0 }, 'the job file caught up with the journal')
  t.same(onDisk.tasks.map((x) => x.status), ['active', 'queued', 'queued', 'queued'], 'and nothing else')
  await a.close()
  t.equal(jobFile(farmDir).priority, 0, 'not at a clean close either')
})

t.test('on a full disk: a refused line puts its job back as on disk, with every line behind it; then it writes again', async (t) => {
  const disk = mountSmallDisk(t, '1m')
  if (!disk) return t.plan(0, 'needs root to mount a small tmpfs')
  const problems: Array<string | null> = []
  const putBack: string[] = []
  const { store: a, job } = await storeWithJob(t, { farmDir: disk, snapshotEveryMs: 60_000, retryEveryMs: 50, putBack: (j) => putBack.push(j.id), writable: (p) => problems.push(p ? p.constructor.name : null) })
  job.tasks[0]!.status = 'active'
  await a.record(job, [0])
  const free = fillDisk(disk)
  // Each line is longer than a page, so even the room left in the journal's last page cannot take it.
  const big = (i: number) => { job.tasks[i]!.status = 'active'; job.tasks[i]!.node = 'n'.repeat(5000) }
  big(1)
  job.priority = 7
  const first = a.record(job, [1])
  await new Promise((resolve) => setImmediate(resolve)) // the write starts; more changes are recorded behind it
  big(2)
  const second = a.record(job, [2])
  const results = await Promise.allSettled([first, second])
  t.same(results.map((r) => r.status), ['rejected', 'rejected'], 'the line is refused, and the line recorded behind it too')
  t.match((results[0] as PromiseRejectedResult).reason, { name: 'DiskFullError', code: 'ENOSPC' })
  t.same(putBack, [ID1], 'the job was put back')
  t.match(job, { priority: 0, revision: 1 }, 'as it is on disk: fields')
  t.same(job.tasks.map((x) => [x.status, x.node]), [['active', null], ['queued', null], ['queued', null], ['queued', null]], 'and tasks')
  t.same(problems, ['DiskFullError'], 'the store says it cannot write')
  t.match(a.problem, { error: { name: 'DiskFullError' } })
  await t.rejects(a.create(newJob(ID2)), { name: 'DiskFullError' }, 'a new job is refused')
  t.same(readdirSync(join(disk, 'jobs')).filter((n) => n !== `${ID1}.json`), [], 'and leaves no file, nor temp file')
  free()
  await until('the store writing again', () => problems.length === 2)
  t.same(problems, ['DiskFullError', null], 'once there is room the store can write again, by itself')
  job.tasks[3]!.status = 'active'
  await a.record(job, [3])
  const lines = readFileSync(join(disk, 'journal', '1.ndjson'), 'utf8')
  t.ok(lines.endsWith('\n') && lines.split('\n').filter(Boolean).every((l) => JSON.parse(l)), 'the journal holds whole lines only: nothing of the refused ones')
  await a.close()
  const { store: b, loaded } = await loadAgain(t, disk)
  t.match(loaded, { priority: 0, revision: 2 })
  t.same(loaded!.tasks.map((x) => x.status), ['active', 'queued', 'queued', 'active'], 'a restart sees what was written, nothing refused')
  t.same((await b.load()).length, 1, 'and no refused job')
})

t.test('loaded on a full disk: read-only, nothing lost; the journal it replayed is kept until the files can be written', async (t) => {
  const disk = mountSmallDisk(t, '1m')
  if (!disk) return t.plan(0, 'needs root to mount a small tmpfs')
  const { store: a, job } = await storeWithJob(t, { farmDir: disk, snapshotEveryMs: 60_000 })
  job.tasks[0]!.status = 'completed'
  job.tasks[0]!.framesDone = [1]
  await a.record(job, [0])
  // Crash, then the disk fills up before the next start.
  const free = fillDisk(disk)
  const errors: string[] = []
  const states: Array<string | null> = []
  const b = new JobStore({ farmDir: disk, log: { warn: () => {}, error: (f, m) => errors.push(`${m}: ${(f as { err?: Error }).err?.message}`) }, retryEveryMs: 50, writable: (p) => states.push(p ? p.message : null) })
  const [loaded] = await b.load()
  t.same(loaded!.tasks[0]!.framesDone, [1], 'the journal was replayed')
  t.match(b.problem, { error: { name: 'DiskFullError' } }, 'the store is read-only')
  t.equal(states.length, 1)
  t.match(errors[0], /cannot write to the farm folder.*ENOSPC/, 'and says why in the log')
  t.ok((await b.journalFiles()).includes('1.ndjson'), 'the journal file it replayed stays')
  free()
  await until('the store writing again', () => states.length > 1)
  t.same(states.at(-1), null, 'with room again it can write, by itself')
  const c = new JobStore({ farmDir: disk, log: quiet })
  t.same((await c.load())[0]!.tasks[0]!.framesDone, [1], 'nothing was lost')
  await b.close()
  await c.close()
  await a.close().catch(() => {})
})

t.test('loaded on a full disk with nothing to replay: read-only all the same (a new, empty journal file still fits)', async (t) => {
  const disk = mountSmallDisk(t, '1m')
  if (!disk) return t.plan(0, 'needs root to mount a small tmpfs')
  const a = new JobStore({ farmDir: disk, log: quiet })
  await a.load()
  await a.create(newJob(ID1))
  await a.close()
  const free = fillDisk(disk)
  const b = new JobStore({ farmDir: disk, log: quiet, retryEveryMs: 50 })
  t.equal((await b.load()).length, 1)
  t.match(b.problem, { error: { name: 'DiskFullError' } }, 'read-only from the start')
  free()
  await until('the store writing again', () => b.problem === null)
  t.equal(b.problem, null, 'until there is room')
  await b.close()
})
