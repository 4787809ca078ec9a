// Closures for nodes without the share (docs/farm-protocol.md, "Nodes without the share"): the first
// time a node asks for a job's closure, the server lists its files (closure.ts), copies each into
// the file store (file-store.ts) and keeps the list, in memory and as <farm folder>/closures/<job>.json
// (the disk is the truth: a restarted server sends the same list, without reading the files again).
// A node may fetch only the closures, and the files of closures, of jobs it holds a task of. When a
// job is removed, the stored files no other job's closure lists are removed too, so the store holds
// what the farm's jobs need and not every version of every texture ever sent.
import { readdir, readFile, rm } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { FarmClosure, Job } from '../../schemas/generated/types.ts'
import { writeJsonAtomic } from '../../common/atomic-write.ts'
import { HttpError } from '../errors.ts'
import { BlendFileError } from '../blend/blend-error.ts'
import { mapAtMost } from '../../common/map-at-most.ts'
import { closurePaths } from './closure.ts'
import type { FileStore } from './file-store.ts'

/** Files copied into the store at once for one closure. */
const STORING_AT_ONCE = 3

export interface ClosureDeps {
  dir: string
  store: FileStore
  resolve: (named: string) => string
  projectDir: (project: string) => string | undefined
}

export class Closures {
  private readonly made = new Map<string, Promise<FarmClosure>>()
  /** Hashes of each closure made, for the check that a node may fetch a file. */
  private readonly hashes = new Map<string, Set<string>>()

  constructor (private readonly deps: ClosureDeps) {}

  /** The closure of a job, made (and its files stored) on the first call. */
  closure (job: Job): Promise<FarmClosure> {
    let made = this.made.get(job.id)
    if (!made) {
      made = this.load(job)
      this.made.set(job.id, made)
      // A failure is not kept: the next ask (the file put back) tries again.
      made.then((c) => this.hashes.set(job.id, new Set(c.files.map((f) => f.sha256))), () => this.made.delete(job.id))
    }
    return made
  }

  /** Whether a file belongs to the closure of one of these jobs. */
  holds (jobs: Iterable<string>, sha256: string): boolean {
    for (const job of jobs) if (this.hashes.get(job)?.has(sha256)) return true
    return false
  }

  /** Closures being made now: their files are being stored and are not listed on disk yet. */
  private making = 0

  /** Forgets a removed job, and removes the stored files no other job's closure lists. */
  async forget (id: string): Promise<void> {
    const kept = await this.readKept(id)
    this.made.delete(id)
    this.hashes.delete(id)
    await rm(this.file(id), { force: true })
    // While another closure is being made it may be storing one of these files: they stay (the next
    // removal looks again).
    if (!kept || this.making > 0) return
    const listed = await this.listedHashes()
    for (const f of kept.files) if (!listed.has(f.sha256)) await this.deps.store.remove(f.sha256)
  }

  private async readKept (id: string): Promise<FarmClosure | null> {
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as FarmClosure
    } catch {
      return null // not there, or cut off by a crash: made again when asked
    }
  }

  /** Every file the closures kept on disk list (the truth across restarts), and those in memory. */
  private async listedHashes (): Promise<Set<string>> {
    const listed = new Set<string>()
    for (const hashes of this.hashes.values()) for (const h of hashes) listed.add(h)
    const names = await readdir(this.deps.dir).catch(() => [] as string[])
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const c = await this.readKept(name.slice(0, -5))
      // A closure that cannot be read lists nothing we can trust: keep every file.
      if (!c) return new Set(await this.deps.store.all())
      for (const f of c.files) listed.add(f.sha256)
    }
    return listed
  }

  private file (id: string): string { return join(this.deps.dir, `${id}.json`) }

  private async load (job: Job): Promise<FarmClosure> {
    const kept = await this.readKept(job.id)
    if (kept && kept.job === job.id && await this.allStored(kept)) return kept
    this.making++
    try {
      const made = await this.make(job)
      await writeJsonAtomic(this.file(job.id), made)
      return made
    } finally {
      this.making--
    }
  }

  private async allStored (c: FarmClosure): Promise<boolean> {
    for (const f of c.files) if (!await this.deps.store.has(f.sha256)) return false
    return true
  }

  private async make (job: Job): Promise<FarmClosure> {
    const projectNamed = this.deps.projectDir(job.project)
    if (!projectNamed) throw new HttpError(409, 'RFAM_CLOSURE_FILE', `The project "${job.project}" of job "${job.name}" is gone, so its files cannot be sent to a node.`)
    const root = this.deps.resolve(projectNamed)
    const blend = this.deps.resolve(job.file)
    const shown = (abs: string) => relative(root, abs).split(sep).join('/')
    let paths
    try {
      paths = await closurePaths(root, blend)
    } catch (err) {
      const why = err instanceof BlendFileError ? err.message : (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${shown(blend)} is not there any more` : (err as Error).message
      throw new HttpError(409, 'RFAM_CLOSURE_FILE', `The file of job "${job.name}" cannot be sent to a node: ${why}. Put the file back (or send the job again) and retry it.`)
    }
    // A few files at once: one file's copy reaches the disk while the next is hashed.
    const stored = await mapAtMost(paths.files, STORING_AT_ONCE, async (abs) => {
      try {
        const { sha256, size } = await this.deps.store.add(abs)
        return { path: shown(abs), size, sha256 }
      } catch (err) {
        if (abs === paths.files[0]) throw new HttpError(409, 'RFAM_CLOSURE_FILE', `The file of job "${job.name}" cannot be sent to a node: ${shown(abs)} could not be read (${(err as Error).message}). Put it back and retry the job.`)
        return null // gone since it was listed: Blender renders without it
      }
    })
    stored.forEach((f, i) => { if (!f) paths.missing.push(shown(paths.files[i]!)) })
    const files = stored.filter((f) => f !== null)
    return { job: job.id, file: shown(blend), projectRoot: root, files, missing: paths.missing, outside: paths.outside }
  }
}
