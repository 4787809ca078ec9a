// The prenode's own memory (its state file): batches whose command succeeded but whose
// acknowledgement the server has not confirmed. Written (atomically, synced) before the ack is
// sent, so a prenode killed between its command and the ack acknowledges them at its next start
// instead of running the command for them again.
import { readFileSync } from 'node:fs'
import { writeJsonAtomic } from '../common/atomic-write.ts'

export interface SubmittedBatch {
  jobs: string[]
  /** Nodes started for each job (state files from before it have none). */
  nodes?: Record<string, number>
  frames: number
  at: string
}

interface StateFile { submitted: SubmittedBatch[] }

export class LocalState {
  private submitted: SubmittedBatch[]

  constructor (readonly file: string) {
    this.submitted = LocalState.read(file)
  }

  private static read (file: string): SubmittedBatch[] {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new Error(`Cannot read the prenode's state file ${file}: ${(err as Error).message}`)
    }
    try {
      const data = JSON.parse(text) as StateFile
      if (!Array.isArray(data.submitted) || !data.submitted.every((b) => Array.isArray(b?.jobs) && b.jobs.every((j) => typeof j === 'string'))) throw new Error('no "submitted" list of batches')
      return data.submitted
    } catch (err) {
      // Guessing would risk running a command twice: a person must look at it.
      throw new Error(`The prenode's state file ${file} is damaged (${(err as Error).message}); check which jobs it lists, then delete it or fix it.`)
    }
  }

  /** Job ids whose command ran and whose ack is not confirmed yet. */
  pending (): string[] {
    return [...new Set(this.submitted.flatMap((b) => b.jobs))]
  }

  /** The nodes started for these jobs, as the acknowledgement says them. */
  nodesOf (ids: string[]): Record<string, number> {
    const want = new Set(ids)
    const out: Record<string, number> = {}
    for (const b of this.submitted) for (const [job, n] of Object.entries(b.nodes ?? {})) if (want.has(job)) out[job] = (out[job] ?? 0) + n
    return out
  }

  async add (batch: SubmittedBatch): Promise<void> {
    this.submitted.push(batch)
    await this.save()
  }

  /** The server has these: forget them. */
  async confirmed (ids: string[]): Promise<void> {
    const done = new Set(ids)
    const left = this.submitted.map((b) => ({ ...b, jobs: b.jobs.filter((j) => !done.has(j)) })).filter((b) => b.jobs.length > 0)
    if (left.length === this.submitted.length && left.every((b, i) => b.jobs.length === this.submitted[i]!.jobs.length)) return
    this.submitted = left
    await this.save()
  }

  private async save (): Promise<void> {
    await writeJsonAtomic(this.file, { submitted: this.submitted } satisfies StateFile)
  }
}
