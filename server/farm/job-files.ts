// Job files (<farm>/jobs/<id>.json), rewritten from each job's on-disk image (job-image.ts) while
// the job changes, and the journal files they make unneeded: a journal file is deleted once every
// job it holds lines of has a newer job file. job-store.ts says why there is a journal, and decides
// when files are written; this keeps which files are behind and which journal files are needed.
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../common/atomic-write.ts'
import { fileText, type JobImage } from './job-image.ts'

export class JobFiles {
  /** Jobs whose file is behind the journal. */
  private readonly dirty = new Set<string>()
  /** When each job's file was last written (ms). */
  private readonly lastSnapshot = new Map<string, number>()
  /** Per journal file: the newest revision of each job it holds that no job file holds yet. */
  private readonly segments = new Map<number, Map<string, number>>()

  /** `images`: the store's on-disk image of every job; `exists`: whether a job is still in the store. */
  constructor (
    private readonly jobsDir: string,
    private readonly journalDir: string,
    private readonly images: ReadonlyMap<string, JobImage>,
    private readonly exists: (id: string) => boolean
  ) {}

  /** At load: the journal files found (what each holds that no job file does), and the jobs they changed. */
  loaded (segments: ReadonlyMap<number, Map<string, number>>, changed: Iterable<string>): void {
    for (const [seq, revs] of segments) this.segments.set(seq, revs)
    for (const id of changed) this.dirty.add(id)
  }

  /** Journal file `seq` was started. */
  journalOpened (seq: number): void {
    this.segments.set(seq, new Map())
  }

  /** A line of this job (at this revision) is on disk in journal file `seq`: its job file is behind. */
  journaled (seq: number, id: string, rev: number): void {
    const map = this.segments.get(seq)!
    map.set(id, Math.max(map.get(id) ?? 0, rev))
    this.dirty.add(id)
  }

  /** This job's file was just written whole (a new job). */
  created (id: string): void {
    this.lastSnapshot.set(id, Date.now())
  }

  /** The job is gone: nothing of it is kept. */
  forget (id: string): void {
    this.dirty.delete(id)
    this.lastSnapshot.delete(id)
    for (const map of this.segments.values()) map.delete(id)
  }

  /** Every job whose file is behind. */
  behind (): string[] {
    return [...this.dirty]
  }

  /**
   * The files due now: the oldest first, and only a share (1/passes) of the changing jobs per pass:
   * jobs that started together (a farm's worth) would otherwise all be rewritten in one burst, every
   * time, each a large string to build and write.
   */
  due (everyMs: number, passes: number): string[] {
    const now = Date.now()
    return [...this.dirty].filter((id) => now - (this.lastSnapshot.get(id) ?? 0) >= everyMs)
      .sort((a, b) => (this.lastSnapshot.get(a) ?? 0) - (this.lastSnapshot.get(b) ?? 0))
      .slice(0, Math.ceil(this.dirty.size / passes))
  }

  /** Writes a job's file as the job is on disk (never with a change still being written). */
  async write (id: string): Promise<void> {
    const image = this.images.get(id)
    if (!image) return
    const revision = image.revision
    const text = fileText(image)
    this.dirty.delete(id)
    this.lastSnapshot.set(id, Date.now())
    try {
      await writeFileAtomic(join(this.jobsDir, `${id}.json`), text)
    } catch (err) {
      if (this.images.has(id)) this.dirty.add(id)
      throw err
    }
    if (!this.exists(id)) {
      // Removed while being written: take the file away again.
      await unlink(join(this.jobsDir, `${id}.json`)).catch(() => {})
      return
    }
    if ((this.images.get(id)?.revision ?? 0) > revision) this.dirty.add(id)
    for (const map of this.segments.values()) {
      const rev = map.get(id)
      if (rev !== undefined && rev <= revision) map.delete(id)
    }
  }

  /** Deletes journal files whose every line is older than its job's file; never `keep` (the one being written to). */
  async dropClean (keep: number | null): Promise<void> {
    for (const [seq, map] of [...this.segments]) {
      if (seq === keep || map.size > 0) continue
      this.segments.delete(seq)
      await unlink(join(this.journalDir, `${seq}.ndjson`)).catch(() => {})
    }
  }
}
