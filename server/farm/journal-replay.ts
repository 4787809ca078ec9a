// The farm folder as a start finds it (job-store.ts says why there is a journal): every job file
// read (one that cannot be is logged and left alone), the journal files replayed over them in order
// (only lines newer than a job file's `revision`), and the lines that could not be read listed:
// cut off at the end of the last file (torn), or damaged (journal-repair.ts looks for their frames).
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Job } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { slim, slimTask } from './job-image.ts'

/** A journal line that could not be read at load: cut off at the end of the last file (`torn`), or damaged. */
export interface DamagedLine {
  file: string
  line: number
  torn: boolean
  /** The job it was about, when that much of it is readable. */
  job?: string
}

/** One change: job id, revision, the job's fields (only when they changed), the tasks changed. */
interface JournalLine { j: string, r: number, h?: Omit<Job, 'tasks'>, t: Record<string, unknown> }

export interface Replayed {
  jobs: Map<string, Job>
  /** Per journal file (by number): the newest revision of each job it holds that no job file holds yet. */
  segments: Map<number, Map<string, number>>
  /** The highest journal file number (0 without any). */
  seq: number
  /** The jobs the journal changed: their files are behind. */
  changed: Set<string>
  damaged: DamagedLine[]
}

const LINE_JOB = /^\{"j":"([0-9a-f-]{36})"/

/** Reads every job file of `jobsDir` and replays the journal files of `journalDir` over them. */
export async function replay (jobsDir: string, journalDir: string, log: { warn: (fields: object, msg: string) => void }): Promise<Replayed> {
  const out: Replayed = { jobs: new Map(), segments: new Map(), seq: 0, changed: new Set(), damaged: [] }
  for (const name of (await names(jobsDir)).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(jobsDir, name)
    try {
      const job = JSON.parse(await readFile(file, 'utf8')) as Job
      const problem = validator().check('job.schema.json', job)
      if (problem) throw new Error(problem)
      if (`${job.id}.json` !== name) throw new Error(`its id is ${job.id}`)
      slim(job)
      out.jobs.set(job.id, job)
    } catch (err) {
      log.warn({ file, err }, 'damaged job file: it cannot be read and is left alone')
    }
  }
  const segmentFiles = (await names(journalDir)).filter((n) => /^\d+\.ndjson$/.test(n)).sort((a, b) => parseInt(a) - parseInt(b))
  for (const [n, name] of segmentFiles.entries()) {
    const seq = parseInt(name)
    out.seq = Math.max(out.seq, seq)
    const revs = new Map<string, number>()
    out.segments.set(seq, revs)
    const lines = (await readFile(join(journalDir, name), 'utf8')).split('\n')
    for (const [i, text] of lines.entries()) {
      if (text === '') continue
      let line: JournalLine
      try {
        line = JSON.parse(text) as JournalLine
      } catch {
        // A torn last line is a write the server never finished (killed, or its disk full):
        // never acknowledged, but a node may have written its frames. The farm reports it.
        const job = LINE_JOB.exec(text)?.[1]
        // Torn: no newline after it (each line is written with its newline, in one write).
        const torn = n === segmentFiles.length - 1 && i === lines.length - 1
        out.damaged.push({ file: join(journalDir, name), line: i + 1, torn, ...(job ? { job } : {}) })
        continue
      }
      const job = out.jobs.get(line.j)
      if (!job || line.r <= (job.revision ?? 0)) continue
      if (line.h) {
        for (const key of Object.keys(job)) if (key !== 'tasks') delete (job as Partial<Job>)[key as keyof Job]
        Object.assign(job, line.h)
      }
      for (const [idx, task] of Object.entries(line.t)) job.tasks[Number(idx)] = slimTask(task as Job['tasks'][number])
      job.revision = line.r
      revs.set(job.id, line.r)
      out.changed.add(job.id)
    }
  }
  return out
}

/** A folder's names; none when it cannot be read (it could not be made). */
async function names (dir: string): Promise<string[]> {
  return await readdir(dir).catch(() => [])
}
