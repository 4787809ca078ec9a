// Job files and the journal: what was acknowledged survives a crash (a store dropped without
// closing), torn lines are ignored, old journal lines never undo newer files, a clean close
// leaves no journal behind.
import t from 'tap'
import { mkdtempSync, rmSync, readdirSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JobStore } from '../../server/farm/job-store.ts'
import { createJob } from '../../server/farm/job-factory.ts'
import type { Job } from '../../schemas/generated/types.ts'

const quiet = { warn: () => {}, error: () => {} }
const newJob = (id: string) => createJob({ id, now: 0, project: 'red', projectDir: 'data::red', body: { file: 'a.blend', frameStart: 1, frameEnd: 4 } })
const ID1 = '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b'
const ID2 = '1b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b'

function tempFarm (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-farm-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('acknowledged changes survive a crash', async (t) => {
  const farmDir = tempFarm(t)
  const a = new JobStore({ farmDir, log: quiet, snapshotEveryMs: 60_000 })
  await a.load()
  const job = newJob(ID1)
  await a.create(job)
  job.tasks[0]!.status = 'active'
  job.tasks[0]!.node = 'pc-01'
  job.status = 'active'
  await a.record(job, [0])
  job.tasks[0]!.status = 'completed'
  job.tasks[0]!.framesDone = [1]
  await Promise.all([a.record(job, [0]), a.record(job, [])])
  t.same(await a.journalFiles(), ['1.ndjson'], 'changes went to the journal')
  // "Crash": a second store reads the same folder without the first being closed.
  const b = new JobStore({ farmDir, log: quiet })
  const [loaded] = await b.load()
  t.equal(loaded!.status, 'active')
  t.equal(loaded!.tasks[0]!.status, 'completed')
  t.same(loaded!.tasks[0]!.framesDone, [1])
  t.equal(loaded!.revision, 3)
  t.same(await b.journalFiles(), ['2.ndjson'], 'replayed journal files are removed after the job files are rewritten')
  const onDisk = JSON.parse(readFileSync(join(farmDir, 'jobs', `${ID1}.json`), 'utf8')) as Job
  t.equal(onDisk.tasks[0]!.status, 'completed', 'the job file holds the replayed state')
  await b.close()
  await a.close().catch(() => {})
})

t.test('journal lines carry the job\'s own fields only when they changed', async (t) => {
  const farmDir = tempFarm(t)
  const a = new JobStore({ farmDir, log: quiet, snapshotEveryMs: 60_000 })
  await a.load()
  const job = newJob(ID1)
  await a.create(job)
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
  const b = new JobStore({ farmDir, log: quiet })
  const [loaded] = await b.load()
  t.match(loaded, { status: 'active', priority: 7, revision: 4 })
  t.same(loaded!.tasks.map((task) => task.status), ['completed', 'active', 'active', 'queued'])
  await b.close()
  await a.close().catch(() => {})
})

t.test('a torn last line is ignored; old lines never undo a newer job file', async (t) => {
  const farmDir = tempFarm(t)
  const a = new JobStore({ farmDir, log: quiet, snapshotEveryMs: 60_000 })
  await a.load()
  const job = newJob(ID1)
  await a.create(job)
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
  const b = new JobStore({ farmDir, log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } })
  const [loaded] = await b.load()
  t.equal(loaded!.tasks[1]!.status, 'completed', 'the older journal line was not applied')
  t.same(warnings, [], 'a torn last line is not a warning')
  t.same(await b.journalFiles(), ['8.ndjson'], 'numbering continues after the highest journal file')
  await b.close()
})

t.test('broken job files are reported and skipped, the rest load', async (t) => {
  const farmDir = tempFarm(t)
  const a = new JobStore({ farmDir, log: quiet })
  await a.load()
  await a.create(newJob(ID1))
  await a.close()
  writeFileSync(join(farmDir, 'jobs', `${ID2}.json`), '{"id": "nonsense"')
  const errors: string[] = []
  const b = new JobStore({ farmDir, log: { warn: () => {}, error: (m) => errors.push(m) } })
  const jobs = await b.load()
  t.same(jobs.map((j) => j.id), [ID1])
  t.match(errors[0], /cannot be read and is left alone/)
  await b.close()
})

t.test('job files are rewritten while a job changes, and the journal shrinks', async (t) => {
  const farmDir = tempFarm(t)
  const a = new JobStore({ farmDir, log: quiet, snapshotEveryMs: 30, segmentBytes: 2000 })
  await a.load()
  const job = newJob(ID1)
  await a.create(job)
  for (let i = 0; i < 20; i++) {
    job.priority = i
    await a.record(job, [i % 4])
  }
  await new Promise((r) => setTimeout(r, 200))
  const files = await a.journalFiles()
  t.ok(files.length <= 2, `old journal files are deleted (${files.join(', ')})`)
  const onDisk = JSON.parse(readFileSync(join(farmDir, 'jobs', `${ID1}.json`), 'utf8')) as Job
  t.equal(onDisk.priority, 19, 'the job file caught up')
  await a.remove(ID1)
  t.same(readdirSync(join(farmDir, 'jobs')), [], 'remove deletes the file')
  await a.close()
  t.same(readdirSync(join(farmDir, 'journal')), [], 'a clean close leaves no journal')
})
