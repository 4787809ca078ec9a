// Job files on disk: one JSON file per job (<farm>/jobs/<id>.json, written atomically: temp file,
// fsync, rename) plus a journal (<farm>/journal/<n>.ndjson) of the changes since.
//
// Why a journal: a busy farm changes its jobs thousands of times a second (every task handed out,
// every frame written), and a reply to a node may only go out once its change is on disk, or a
// server killed at the wrong moment would lose a frame or render one twice. Rewriting a job file
// of thousands of tasks for each change would not keep up; appending one line and syncing once for
// a whole batch of changes (group commit) does. Job files are rewritten every few seconds while a
// job changes, and journal files are deleted once every job in them has a newer file. At start the
// files are read and the journal replayed (only lines newer than a file's `revision`), so after
// SIGKILL nothing that was acknowledged is lost.
import { constants } from 'node:fs'
import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Job, Task } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { writeFileAtomic } from '../store/atomic-write.ts'

export interface StoreLog {
  warn: (msg: string) => void
  error: (msg: string) => void
}

export interface JobStoreOptions {
  farmDir: string
  log: StoreLog
  /** A changing job's file is rewritten at most this often. */
  snapshotEveryMs?: number
  /** A journal file is closed and a new one started past this size. */
  segmentBytes?: number
}

type Header = Omit<Job, 'tasks'>
/** One change: job id, revision, the job's fields (only when they changed), the tasks changed. */
interface JournalLine { j: string, r: number, h?: Header, t: Record<string, Task> }

const ID = /^[0-9a-f-]{36}$/
/**
 * Journal writes are on disk when they return (O_DSYNC: as if each were followed by fdatasync):
 * one request to the thread pool per sync instead of two, hundreds of times a second. Where the
 * flag does not exist (Windows), write then fdatasync.
 */
const DSYNC = constants.O_DSYNC ?? 0
/** Passes per snapshot interval; each rewrites at most this share of the changing jobs' files. */
const SNAPSHOT_PASSES = 20

export class JobStore {
  readonly jobsDir: string
  readonly journalDir: string
  private readonly snapshotEveryMs: number
  private readonly segmentBytes: number
  private seq = 0
  private fd: FileHandle | null = null
  private bytes = 0
  /** Per journal file: the newest revision of each job it holds that no job file holds yet. */
  private readonly segments = new Map<number, Map<string, number>>()
  private pending: string[] = []
  /** Per pending line: job id, revision, and the key of the fields it carries (null: none). */
  private pendingJobs: Array<[string, number, HeaderKey | null]> = []
  /** The promise every pending line's caller waits on (one per sync, not one per line). */
  private batch: Batch | null = null
  private flushing: Promise<void> | null = null
  private readonly jobs = new Map<string, Job>()
  /** Per job: its fields as in the last journal line on disk, to leave them out while unchanged. */
  private readonly headers = new Map<string, HeaderKey>()
  /** Journal writes since start: how many, how long, how many lines (for the server log). */
  readonly syncStats = { count: 0, totalMs: 0, maxMs: 0, lines: 0 }
  private readonly dirty = new Set<string>()
  private readonly lastSnapshot = new Map<string, number>()
  private snapshotTimer: NodeJS.Timeout | null = null
  private snapshotting: Promise<void> | null = null
  private closed = false

  constructor (private readonly options: JobStoreOptions) {
    this.jobsDir = join(options.farmDir, 'jobs')
    this.journalDir = join(options.farmDir, 'journal')
    this.snapshotEveryMs = options.snapshotEveryMs ?? 10_000
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024
  }

  /** Reads every job file, replays the journal, and starts a fresh journal. */
  async load (): Promise<Job[]> {
    await mkdir(this.jobsDir, { recursive: true })
    await mkdir(this.journalDir, { recursive: true })
    for (const name of await readdir(this.jobsDir)) {
      if (name.startsWith('.') && name.endsWith('.tmp')) await unlink(join(this.jobsDir, name)).catch(() => {})
    }
    for (const name of (await readdir(this.jobsDir)).filter((n) => n.endsWith('.json')).sort()) {
      const file = join(this.jobsDir, name)
      try {
        const job = JSON.parse(await readFile(file, 'utf8')) as Job
        const problem = validator().check('job.schema.json', job)
        if (problem) throw new Error(problem)
        if (`${job.id}.json` !== name) throw new Error(`its id is ${job.id}`)
        slim(job)
        this.jobs.set(job.id, job)
      } catch (err) {
        this.options.log.error(`farm: job file ${file} cannot be read and is left alone: ${(err as Error).message}`)
      }
    }
    const changed = new Set<string>()
    const segmentFiles = (await readdir(this.journalDir)).filter((n) => /^\d+\.ndjson$/.test(n)).sort((a, b) => parseInt(a) - parseInt(b))
    for (const [n, name] of segmentFiles.entries()) {
      this.seq = Math.max(this.seq, parseInt(name))
      const lines = (await readFile(join(this.journalDir, name), 'utf8')).split('\n')
      for (const [i, text] of lines.entries()) {
        if (text === '') continue
        let line: JournalLine
        try {
          line = JSON.parse(text) as JournalLine
        } catch {
          // A torn last line is a write the server never acknowledged; anything else is damage.
          if (!(n === segmentFiles.length - 1 && i >= lines.length - 2)) this.options.log.warn(`farm: journal ${name} line ${i + 1} is damaged and skipped`)
          continue
        }
        const job = this.jobs.get(line.j)
        if (!job || line.r <= (job.revision ?? 0)) continue
        if (line.h) {
          for (const key of Object.keys(job)) if (key !== 'tasks') delete (job as Partial<Job>)[key as keyof Job]
          Object.assign(job, line.h)
        }
        for (const [idx, task] of Object.entries(line.t)) job.tasks[Number(idx)] = slimTask(task)
        job.revision = line.r
        changed.add(job.id)
      }
    }
    for (const id of changed) await this.writeSnapshot(this.jobs.get(id)!)
    for (const name of segmentFiles) await unlink(join(this.journalDir, name)).catch(() => {})
    await this.openSegment()
    this.snapshotTimer = setInterval(() => { void this.snapshotDue() }, Math.max(50, Math.floor(this.snapshotEveryMs / SNAPSHOT_PASSES)))
    this.snapshotTimer.unref()
    return [...this.jobs.values()]
  }

  /** Writes a new job's file; resolves once it is on disk. */
  async create (job: Job): Promise<void> {
    job.revision = 0
    this.jobs.set(job.id, job)
    await this.writeSnapshot(job)
  }

  /**
   * Journals the job's fields and the given tasks as they are now; resolves once the line is on
   * disk. Lines recorded in the same turn of the event loop share one sync and one promise.
   */
  record (job: Job, taskIndexes: Iterable<number> = []): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the job store is closed'))
    job.revision = (job.revision ?? 0) + 1
    // Built as text: an object keyed by task index took JSON.stringify twice as long.
    let t = ''
    for (const idx of taskIndexes) t += `${t === '' ? '' : ','}"${idx}":${JSON.stringify(job.tasks[idx]!)}`
    // Most changes are to tasks: the job's own fields go in only when they differ from the last
    // line on disk (replay keeps them from there); they were a third of each line's size.
    const last = this.headers.get(job.id)
    const h = last !== undefined && sameHeader(last, job) ? null : headerJson(job)
    this.pending.push(`{"j":"${job.id}","r":${job.revision},${h === null ? '' : `"h":${h},`}"t":{${t}}}\n`)
    this.pendingJobs.push([job.id, job.revision, h === null ? null : headerKey(job)])
    this.dirty.add(job.id)
    this.batch ??= newBatch()
    // The sync starts once this turn of the event loop is over, so every change made meanwhile
    // (all the requests read in it) shares it, rather than the first going alone.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush())
    return this.batch.promise
  }

  /** Deletes a job's file (its journal lines are then ignored). */
  async remove (id: string): Promise<void> {
    if (!ID.test(id)) return
    this.jobs.delete(id)
    this.headers.delete(id)
    this.dirty.delete(id)
    this.lastSnapshot.delete(id)
    for (const map of this.segments.values()) map.delete(id)
    await unlink(join(this.jobsDir, `${id}.json`)).catch((err) => { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err })
    await this.syncDir(this.jobsDir)
    await this.dropCleanSegments()
  }

  /** Writes every changed job's file and empties the journal (a clean stop needs no replay). */
  async close (): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer)
    await this.flushing
    await this.snapshotting
    this.closed = true
    for (const id of [...this.dirty]) {
      const job = this.jobs.get(id)
      if (job) await this.writeSnapshot(job)
    }
    await this.fd?.close()
    this.fd = null
    await this.dropCleanSegments(true)
  }

  private async flush (): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const text = this.pending.join('')
        const jobs = this.pendingJobs
        const batch = this.batch!
        this.pending = []
        this.pendingJobs = []
        this.batch = null
        try {
          if (this.bytes > this.segmentBytes) await this.openSegment()
          const t0 = performance.now()
          const bytes = Buffer.from(text)
          await this.fd!.write(bytes)
          if (!DSYNC) await this.fd!.datasync()
          const ms = performance.now() - t0
          this.syncStats.count++
          this.syncStats.totalMs += ms
          this.syncStats.maxMs = Math.max(this.syncStats.maxMs, ms)
          this.syncStats.lines += jobs.length
          this.bytes += bytes.length
          const map = this.segments.get(this.seq)!
          for (const [id, rev, key] of jobs) {
            if (!this.jobs.has(id)) continue
            map.set(id, Math.max(map.get(id) ?? 0, rev))
            if (key !== null) this.headers.set(id, key)
          }
          batch.resolve()
        } catch (err) {
          this.options.log.error(`farm: cannot write the journal: ${(err as Error).message}`)
          batch.reject(err)
        }
      }
    } finally {
      this.flushing = null
    }
  }

  private async openSegment (): Promise<void> {
    await this.fd?.close()
    this.seq++
    this.fd = await open(join(this.journalDir, `${this.seq}.ndjson`), DSYNC ? constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | DSYNC : 'a')
    this.bytes = 0
    this.segments.set(this.seq, new Map())
    await this.syncDir(this.journalDir)
  }

  private async snapshotDue (): Promise<void> {
    if (this.snapshotting || this.closed) return
    this.snapshotting = (async () => {
      // The oldest due files first, and only a share of the changing jobs per pass: jobs that
      // started together (a farm's worth) would otherwise all be rewritten in one burst, every
      // time, each a large string to build and write.
      const now = Date.now()
      const due = [...this.dirty].filter((id) => now - (this.lastSnapshot.get(id) ?? 0) >= this.snapshotEveryMs)
        .sort((a, b) => (this.lastSnapshot.get(a) ?? 0) - (this.lastSnapshot.get(b) ?? 0))
        .slice(0, Math.ceil(this.dirty.size / SNAPSHOT_PASSES))
      for (const id of due) {
        const job = this.jobs.get(id)
        if (!job) continue
        try {
          await this.writeSnapshot(job)
        } catch (err) {
          this.options.log.error(`farm: cannot write job file ${id}: ${(err as Error).message}`)
        }
      }
      await this.dropCleanSegments()
    })().finally(() => { this.snapshotting = null })
    await this.snapshotting
  }

  private async writeSnapshot (job: Job): Promise<void> {
    const revision = job.revision ?? 0
    const text = JSON.stringify(job) + '\n'
    this.dirty.delete(job.id)
    this.lastSnapshot.set(job.id, Date.now())
    try {
      await writeFileAtomic(join(this.jobsDir, `${job.id}.json`), text)
    } catch (err) {
      this.dirty.add(job.id)
      throw err
    }
    if (!this.jobs.has(job.id)) {
      // Removed while being written: take the file away again.
      await unlink(join(this.jobsDir, `${job.id}.json`)).catch(() => {})
      return
    }
    if ((job.revision ?? 0) > revision) this.dirty.add(job.id)
    for (const map of this.segments.values()) {
      const rev = map.get(job.id)
      if (rev !== undefined && rev <= revision) map.delete(job.id)
    }
  }

  /** Deletes journal files whose every line is older than its job's file. */
  private async dropCleanSegments (includingCurrent = false): Promise<void> {
    for (const [seq, map] of [...this.segments]) {
      if ((seq === this.seq && !includingCurrent) || map.size > 0) continue
      this.segments.delete(seq)
      await unlink(join(this.journalDir, `${seq}.ndjson`)).catch(() => {})
    }
  }

  private async syncDir (dir: string): Promise<void> {
    try {
      const h = await open(dir, 'r')
      try { await h.sync() } finally { await h.close() }
    } catch { /* not every file system can sync a folder */ }
  }

  /** For tests: how many journal files exist now. */
  async journalFiles (): Promise<string[]> {
    return (await readdir(this.journalDir)).filter((n) => n.endsWith('.ndjson')).sort()
  }
}

interface Batch { promise: Promise<void>, resolve: () => void, reject: (err: unknown) => void }

function newBatch (): Batch {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

/** The job's fields without its tasks, as JSON. */
function headerJson (job: Job): string {
  const { tasks: _tasks, revision: _revision, ...header } = job
  return JSON.stringify(header)
}

/** Everything in a job's header that changes after creation. */
interface HeaderKey {
  status: Job['status'], priority: number, updated?: string, started?: string, finished?: string, name: string, message?: string,
  blocklist: string, seenBy: string
}

function headerKey (job: Job): HeaderKey {
  const { status, priority, updated, started, finished, name, message } = job
  return { status, priority, updated, started, finished, name, message, blocklist: job.blocklist?.join(',') ?? '', seenBy: job.seenBy?.join(',') ?? '' }
}

/** Compared field by field: this runs for every change, so it builds nothing. */
function sameHeader (k: HeaderKey, job: Job): boolean {
  return k.status === job.status && k.priority === job.priority && k.updated === job.updated && k.started === job.started &&
    k.finished === job.finished && k.name === job.name && k.message === job.message &&
    k.blocklist === (job.blocklist?.join(',') ?? '') && k.seenBy === (job.seenBy?.join(',') ?? '')
}

/** Empty lists cost memory in jobs of thousands of tasks: they are left out (the code reads them as empty). */
function slimTask (task: Task): Task {
  if (task.framesDone?.length === 0) delete task.framesDone
  if (task.samples?.length === 0) delete task.samples
  if (task.failures?.length === 0) delete task.failures
  return task
}

function slim (job: Job): void {
  for (const task of job.tasks) slimTask(task)
}
