// Job files on disk: one JSON file per job (<farm>/jobs/<id>.json, written atomically: temp file,
// fsync, rename) plus a journal (<farm>/journal/<n>.ndjson) of the changes since.
//
// Why a journal: a busy farm changes its jobs thousands of times a second (every task handed out,
// every frame written), and a reply to a node may only go out once its change is on disk, or a
// server killed at the wrong moment would lose a frame or render one twice. Rewriting a job file
// of thousands of tasks for each change would not keep up; appending one line and syncing once for
// a whole batch of changes (group commit) does. Job files are rewritten every few seconds while a
// job changes, and journal files are deleted once every job in them has a newer file. At start the
// files are read and the journal replayed (journal-replay.ts: only lines newer than a file's
// `revision`), so after SIGKILL nothing that was acknowledged is lost.
//
// A change is acknowledged only once it is on disk, and a change that cannot be written never
// happens (issue 16, item 1). The farm changes a job in memory, then records it; when the write
// fails (a full disk), that batch and every line recorded behind it (they may build on it) are
// refused, and their jobs in memory are put back as they are on disk (job-image.ts) before anyone
// hears of it. Job files are written from that on-disk image too, never from memory. From then on
// the store cannot write (`problem`): the farm refuses changes up front, and the store tries again
// every few seconds until it can, by itself.
import { mkdir, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Job } from '../../schemas/generated/types.ts'
import { HttpError } from '../errors.ts'
import { syncDirectory, writeFileAtomic } from '../../common/atomic-write.ts'
import { sweepFolder } from '../../common/temp-files.ts'
import type { DiskFullError } from '../../common/disk-full.ts'
import { PathRefused } from '../../common/path-refused.ts'
import { fileText, headerJson, headerKey, imageOf, putBack, sameHeader, type HeaderKey, type JobImage } from './job-image.ts'
import { JobFiles } from './job-files.ts'
import { JournalFile, probeRoom } from './journal-file.ts'
import { replay, type DamagedLine } from './journal-replay.ts'
import { writeProblem, type FarmReadOnlyError } from './write-problem.ts'

export interface StoreLog {
  warn: (fields: object, msg: string) => void
  error: (fields: object, msg: string) => void
}

export interface JobStoreOptions {
  farmDir: string
  log: StoreLog
  /** A changing job's file is rewritten at most this often. */
  snapshotEveryMs?: number
  /** A journal file is closed and a new one started past this size. */
  segmentBytes?: number
  /** While the store cannot write, it tries again this often. */
  retryEveryMs?: number
  /** A job in memory was put back as it is on disk, after a change to it was refused. */
  putBack?: (job: Job) => void
  /** The store cannot write any more (why), or can again (null). */
  writable?: (problem: WriteProblem | null) => void
}

export type WriteProblem = DiskFullError | FarmReadOnlyError

/** A line recorded and not yet on disk: what it changes in its job's on-disk image once it is. */
interface PendingLine { id: string, rev: number, key: HeaderKey | null, header: string | null, idxs: number[], texts: string[] }

const ID = /^[0-9a-f-]{36}$/
/** Passes per snapshot interval; each rewrites at most this share of the changing jobs' files. */
const SNAPSHOT_PASSES = 20
/** Room a store that could not write wants before it writes again: a few batches of lines. */
const ROOM_BYTES = 64 * 1024

export class JobStore {
  readonly jobsDir: string
  readonly journalDir: string
  private readonly snapshotEveryMs: number
  private readonly segmentBytes: number
  private readonly retryEveryMs: number
  private seq = 0
  private journal: JournalFile | null = null
  private pending: string[] = []
  private pendingLines: PendingLine[] = []
  /** The promise every pending line's caller waits on (one per sync, not one per line). */
  private batch: Batch | null = null
  /** The journal's one writer at a time: a batch of lines, or a retry after a failure. */
  private flushing: Promise<void> | null = null
  private readonly jobs = new Map<string, Job>()
  /** Per job: as it is on disk (job file plus the journal lines written since). */
  private readonly images = new Map<string, JobImage>()
  /** Per job: its fields as in the last journal line on disk, to leave them out while unchanged. */
  private readonly headers = new Map<string, HeaderKey>()
  /** Journal writes since start: how many, how long, how many lines (for the server log). */
  readonly syncStats = { count: 0, totalMs: 0, maxMs: 0, lines: 0 }
  /** Journal lines that could not be read at load. */
  readonly damaged: DamagedLine[] = []
  /** The job files, and which journal files they leave needed. */
  private readonly files: JobFiles
  private snapshotTimer: NodeJS.Timeout | null = null
  private snapshotting: Promise<void> | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private writeProblem: { error: WriteProblem, since: number } | null = null
  private closed = false

  constructor (private readonly options: JobStoreOptions) {
    this.jobsDir = join(options.farmDir, 'jobs')
    this.journalDir = join(options.farmDir, 'journal')
    this.snapshotEveryMs = options.snapshotEveryMs ?? 10_000
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024
    this.retryEveryMs = options.retryEveryMs ?? 2000
    this.files = new JobFiles(this.jobsDir, this.journalDir, this.images, (id) => this.jobs.has(id))
  }

  /** Why the store cannot write now (and since when), or null. */
  get problem (): { error: WriteProblem, since: number } | null { return this.writeProblem }

  /**
   * Reads every job file, replays the journal, and starts a fresh journal. On a disk that cannot
   * be written it still loads everything (read-only): what could not be written yet stays in the
   * journal files it came from, and is written once the store can write again.
   */
  async load (): Promise<Job[]> {
    for (const dir of [this.jobsDir, this.journalDir]) await mkdir(dir, { recursive: true }).catch((err) => this.cannotWrite(err, dir))
    // Temp files of job-file writes a killed server left (never those of a writer still running).
    await sweepFolder(this.jobsDir)
    const found = await replay(this.jobsDir, this.journalDir, this.options.log)
    for (const [id, job] of found.jobs) this.jobs.set(id, job)
    this.seq = Math.max(this.seq, found.seq)
    this.damaged.push(...found.damaged)
    const { changed } = found
    for (const job of this.jobs.values()) this.images.set(job.id, imageOf(job))
    this.files.loaded(found.segments, changed)
    // The replayed changes go to job files now, and the journal files they came from away; on a
    // disk that cannot be written they stay until it can.
    if (!this.writeProblem) await this.openJournal().catch((err) => this.cannotWrite(err, this.journalDir))
    // A full disk may still take a new, empty journal file: only writing tells.
    if (!this.writeProblem) await probeRoom(this.journalDir, ROOM_BYTES).catch((err) => this.cannotWrite(err, this.journalDir))
    for (const id of changed) {
      if (this.writeProblem) break
      await this.files.write(id).catch((err) => this.cannotWrite(err, join(this.jobsDir, `${id}.json`)))
    }
    await this.dropCleanSegments()
    this.snapshotTimer = setInterval(() => { void this.snapshotDue() }, Math.max(50, Math.floor(this.snapshotEveryMs / SNAPSHOT_PASSES)))
    this.snapshotTimer.unref()
    return [...this.jobs.values()]
  }

  /** Writes a new job's file; resolves once it is on disk. A job refused leaves nothing behind. */
  async create (job: Job): Promise<void> {
    if (this.closed) throw new Error('the job store is closed')
    job.revision = 0
    const image = imageOf(job)
    const file = join(this.jobsDir, `${job.id}.json`)
    try {
      await writeFileAtomic(file, fileText(image))
    } catch (err) {
      if (err instanceof HttpError || err instanceof PathRefused) throw err // a link where the file goes: not the disk's fault
      throw this.cannotWrite(err, file)
    }
    this.jobs.set(job.id, job)
    this.images.set(job.id, image)
    this.files.created(job.id)
  }

  /**
   * Journals the job's fields and the given tasks as they are now; resolves once the line is on
   * disk. Lines recorded in the same turn of the event loop share one sync and one promise. When
   * the line cannot be written, the job in memory is put back as it is on disk, then the promise
   * rejects (with a DiskFullError, or a FarmReadOnlyError).
   */
  record (job: Job, taskIndexes: Iterable<number> = []): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the job store is closed'))
    job.revision = (job.revision ?? 0) + 1
    // Built as text: an object keyed by task index took JSON.stringify twice as long.
    let t = ''
    const idxs: number[] = []
    const texts: string[] = []
    for (const idx of taskIndexes) {
      const text = JSON.stringify(job.tasks[idx]!)
      idxs.push(idx)
      texts.push(text)
      t += `${t === '' ? '' : ','}"${idx}":${text}`
    }
    // Most changes are to tasks: the job's own fields go in only when they differ from the last
    // line on disk (replay keeps them from there); they were a third of each line's size.
    const last = this.headers.get(job.id)
    const h = last !== undefined && sameHeader(last, job) ? null : headerJson(job)
    this.pending.push(`{"j":"${job.id}","r":${job.revision},${h === null ? '' : `"h":${h},`}"t":{${t}}}\n`)
    this.pendingLines.push({ id: job.id, rev: job.revision, key: h === null ? null : headerKey(job), header: h, idxs, texts })
    this.batch ??= newBatch()
    this.kick()
    return this.batch.promise
  }

  /** Deletes a job's file (its journal lines are then ignored). */
  async remove (id: string): Promise<void> {
    if (!ID.test(id)) return
    this.jobs.delete(id)
    this.images.delete(id)
    this.headers.delete(id)
    this.files.forget(id)
    await unlink(join(this.jobsDir, `${id}.json`)).catch((err) => { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err })
    await syncDirectory(this.jobsDir)
    await this.dropCleanSegments()
  }

  /** Writes every changed job's file and empties the journal (a clean stop needs no replay). */
  async close (): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer)
    this.stopRetrying()
    await this.flushing
    await this.snapshotting
    this.closed = true
    for (const id of this.files.behind()) {
      try {
        await this.files.write(id)
      } catch (err) {
        // Its journal lines stay, and are replayed at the next start.
        this.options.log.error({ job: id, err }, 'cannot write job file at stop; its journal lines are replayed at the next start')
      }
    }
    await this.journal?.close()
    this.journal = null
    await this.dropCleanSegments(true)
  }

  /** The journal's writer starts once this turn of the event loop is over (unless one is busy). */
  private kick (): void {
    // Every change made meanwhile (all the requests read in this turn) shares the sync, rather
    // than the first going alone.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush())
  }

  private async flush (): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const text = this.pending.join('')
        const lines = this.pendingLines
        const batch = this.batch!
        this.pending = []
        this.pendingLines = []
        this.batch = null
        const t0 = performance.now()
        const bytes = Buffer.from(text)
        try {
          await this.append(bytes)
        } catch (err) {
          this.refuse(lines, batch, this.cannotWrite(err, this.journal?.path ?? this.journalDir))
          continue
        }
        const ms = performance.now() - t0
        this.syncStats.count++
        this.syncStats.totalMs += ms
        this.syncStats.maxMs = Math.max(this.syncStats.maxMs, ms)
        this.syncStats.lines += lines.length
        this.written(lines)
        batch.resolve()
      }
    } finally {
      this.flushing = null
    }
  }

  private async append (bytes: Buffer): Promise<void> {
    if (this.journal && this.journal.bytes > this.segmentBytes) {
      await this.journal.settle() // never leave a torn line behind in a file that is done with
      await this.openJournal()
    }
    if (!this.journal) await this.openJournal()
    await this.journal!.append(bytes)
  }

  /** The lines are on disk: their jobs' on-disk images take them in. */
  private written (lines: PendingLine[]): void {
    for (const line of lines) {
      const image = this.images.get(line.id)
      if (!image || !this.jobs.has(line.id)) continue
      for (let k = 0; k < line.idxs.length; k++) image.tasks[line.idxs[k]!] = line.texts[k]!
      if (line.header !== null) image.header = line.header
      image.revision = line.rev
      if (line.key !== null) this.headers.set(line.id, line.key)
      this.files.journaled(this.seq, line.id, line.rev)
    }
    if (this.writeProblem) this.canWrite()
  }

  /**
   * A write failed: its lines and every line recorded since (they may build on them) are
   * refused, and their jobs in memory put back as they are on disk before any caller hears of it.
   */
  private refuse (lines: PendingLine[], batch: Batch, problem: WriteProblem): void {
    const later = this.pendingLines
    const laterBatch = this.batch
    this.pending = []
    this.pendingLines = []
    this.batch = null
    const ids = new Set<string>()
    for (const line of lines) ids.add(line.id)
    for (const line of later) ids.add(line.id)
    for (const id of ids) {
      const job = this.jobs.get(id)
      const image = this.images.get(id)
      if (!job || !image) continue
      putBack(job, image)
      this.options.putBack?.(job)
    }
    batch.reject(problem)
    laterBatch?.reject(problem)
  }

  /** Notes that the store cannot write (the first time: logs it and starts trying again); returns the error to answer with. */
  private cannotWrite (err: unknown, path: string): WriteProblem {
    const error = writeProblem(err, path)
    if (this.closed) return error
    if (!this.writeProblem) {
      this.writeProblem = { error, since: Date.now() }
      this.options.log.error({ file: path, err }, 'cannot write to the farm folder: the farm is read-only until it can')
      this.retryTimer = setInterval(() => { void this.retry() }, this.retryEveryMs)
      this.retryTimer.unref()
      this.options.writable?.(this.writeProblem.error)
    } else if (this.writeProblem.error.constructor !== error.constructor) {
      this.writeProblem = { error, since: this.writeProblem.since }
      this.options.writable?.(error)
    }
    return error
  }

  private canWrite (): void {
    this.writeProblem = null
    this.stopRetrying()
    this.options.writable?.(null)
  }

  private stopRetrying (): void {
    if (this.retryTimer) clearInterval(this.retryTimer)
    this.retryTimer = null
  }

  /**
   * Whether the store can write again: a journal file open and whole, and room for a few batches
   * of lines. Runs as the journal's writer, so it never cuts a file while a batch is written.
   */
  private async retry (): Promise<void> {
    if (this.flushing || this.closed || !this.writeProblem) return
    this.flushing = (async () => {
      try {
        if (this.journal) await this.journal.settle()
        else await this.openJournal()
        await probeRoom(this.journalDir, ROOM_BYTES)
        this.canWrite()
      } catch (err) {
        this.cannotWrite(err, this.journal?.path ?? this.journalDir)
      }
    })().finally(() => {
      this.flushing = null
      if (this.pending.length > 0) this.kick()
    })
    await this.flushing
  }

  private async openJournal (): Promise<void> {
    const seq = this.seq + 1
    const file = await JournalFile.open(join(this.journalDir, `${seq}.ndjson`))
    const old = this.journal
    this.journal = file
    this.seq = seq
    this.files.journalOpened(seq)
    await old?.close().catch(() => {})
    await syncDirectory(this.journalDir)
  }

  private async snapshotDue (): Promise<void> {
    // While the disk is full the files could not be written either; the journal keeps it all.
    if (this.snapshotting || this.closed || this.writeProblem) return
    this.snapshotting = (async () => {
      for (const id of this.files.due(this.snapshotEveryMs, SNAPSHOT_PASSES)) {
        try {
          await this.files.write(id)
        } catch (err) {
          this.options.log.error({ job: id, err }, 'cannot write job file')
        }
      }
      await this.dropCleanSegments()
    })().finally(() => { this.snapshotting = null })
    await this.snapshotting
  }

  /** Deletes journal files whose every line is older than its job's file (the one being written to only when asked). */
  private async dropCleanSegments (includingCurrent = false): Promise<void> {
    await this.files.dropClean(this.journal && !includingCurrent ? this.seq : null)
  }

  /** For tests: how many journal files exist now. */
  async journalFiles (): Promise<string[]> {
    return (await readdir(this.journalDir)).filter((n) => n.endsWith('.ndjson')).sort()
  }
}

interface Batch { promise: Promise<void>, resolve: () => void, reject: (err: unknown) => void }

function newBatch (): Batch {
  let resolveBatch!: () => void
  let rejectBatch!: (err: unknown) => void
  const promise = new Promise<void>((resolve, reject) => { resolveBatch = resolve; rejectBatch = reject })
  return { promise, resolve: resolveBatch, reject: rejectBatch }
}
