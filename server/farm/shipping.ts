// What a node without the share asks of the farm beyond the protocol (docs/farm-protocol.md, "Nodes
// without the share"): a job's closure, the files in it by hash (streamed, resumable with Range),
// and each frame it rendered, which lands atomically in the job's output folder, exactly where a
// node with the share would have written it; the node then reports it as any node does, and the
// usual check finds it on disk (frame-files.ts). The node speaks only for jobs it holds a task of.
import { mkdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import type { FarmClosure, FarmClosureRequest } from '../../schemas/generated/types.ts'
import { HashMismatch, writeHashed } from '../../common/hashed-write.ts'
import { HttpError } from '../errors.ts'
import type { FarmDeps } from './farm-deps.ts'
import { frameStem, isFileOf, isMovieOf, outputOf } from './frame-files.ts'
import { projectPaths } from './job-factory.ts'
import type { NodeRegistry } from './node-registry.ts'
import type { Scheduler } from './scheduler.ts'
import { Closures } from './closures.ts'
import { FileStore } from './file-store.ts'

/** Who is asking: the node's name and session (headers of a transfer, the body of the closure request) and its farm credential. */
export interface NodeAsking { node: string, session: string, credential: string }

/** The pictures a node makes of recent frames for the job's preview (node/blender/rfam_preview.py): sent like a frame. */
const PREVIEWS = new Set(['.rfam-preview.jpg', '.rfam-preview.png'])

export interface BlobRange { path: string, start: number, end: number, size: number, partial: boolean }

export class Shipping {
  readonly store: FileStore
  readonly closures: Closures

  constructor (private readonly deps: FarmDeps, private readonly registry: NodeRegistry, private readonly scheduler: Scheduler) {
    this.store = new FileStore(join(deps.farmDir, 'files'))
    this.closures = new Closures({ dir: join(deps.farmDir, 'closures'), store: this.store, resolve: deps.resolveNamedPath, projectDir: (p) => deps.project(p)?.directory })
  }

  /** The jobs this node holds a task of (after checking its session). */
  private jobsOf (who: NodeAsking): Set<string> {
    this.registry.heardFrom(who.node, who.session, who.credential)
    return new Set(this.scheduler.runsOfNode(who.node).map((r) => r.job.id))
  }

  async closure (msg: FarmClosureRequest, credential: string): Promise<FarmClosure> {
    const jobs = this.jobsOf({ ...msg, credential })
    const rt = this.scheduler.jobs.get(msg.job)
    if (!rt || !jobs.has(msg.job)) throw new HttpError(409, 'RFAM_NOT_YOUR_TASK', `Node "${msg.node}" holds no task of job ${msg.job}; a node may fetch only the files of its own tasks.`)
    const made = await this.closures.closure(rt.job)
    this.deps.log.info({ job: rt.id, project: rt.project, node: msg.node, files: made.files.length, bytes: made.files.reduce((n, f) => n + f.size, 0) }, 'closure sent')
    return made
  }

  /** Where a file of the store is and which bytes to send (a `Range: bytes=a-b` header resumes). */
  async blob (who: NodeAsking, sha256: string, range: string | undefined): Promise<BlobRange> {
    const jobs = this.jobsOf(who)
    const path = this.store.blobPath(sha256)
    const st = this.closures.holds(jobs, sha256) ? await stat(path).catch(() => null) : null
    if (!st) throw new HttpError(404, 'RFAM_NO_BLOB', `No job that node "${who.node}" holds needs the file ${sha256}, or it is no longer in the server's store; ask for the job's closure again.`)
    if (!range) return { path, start: 0, end: st.size - 1, size: st.size, partial: false }
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
    const start = m?.[1] ? Number(m[1]) : NaN
    const end = m?.[2] ? Math.min(Number(m[2]), st.size - 1) : st.size - 1
    if (!m || !(start <= end) || start >= st.size) {
      throw new HttpError(416, 'RFAM_BAD_RANGE', `The range "${range}" is not inside the file's ${st.size} bytes; ask for bytes=<first byte>- of what is still missing.`)
    }
    return { path, start, end, size: st.size, partial: true }
  }

  /** Writes a frame a node sent into the job's output folder (atomically, checked against its hash). */
  async frame (who: NodeAsking, jobId: string, name: string, sha256: string | undefined, body: Readable): Promise<void> {
    const jobs = this.jobsOf(who)
    const rt = this.scheduler.jobs.get(jobId)
    const notYours = () => new HttpError(409, 'RFAM_NOT_YOUR_TASK', `"${name}" is not a frame of a task node "${who.node}" holds in job ${jobId}; a node sends only the frames of its own tasks.`)
    if (!rt || !jobs.has(jobId) || !sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw notYours()
    const output = outputOf(rt.job)
    const tasks = this.scheduler.runsOfNode(who.node).filter((r) => r.job === rt).flatMap((r) => [...r.tasks].map((i) => rt.task(i)))
    const preview = PREVIEWS.has(name) && tasks.length > 0
    const ours = preview || tasks.some((task) => rt.job.video ? isMovieOf(name, output, task) : task.frames.some((f) => isFileOf(name, frameStem(output, f))))
    if (!ours || name.includes('/') || (name.startsWith('.') && !preview)) throw notYours()
    const projectDir = this.deps.project(rt.project)?.directory
    if (!projectDir) throw notYours()
    const target = projectPaths(this.deps.resolveNamedPath, projectDir).output(output)
    await mkdir(dirname(target), { recursive: true })
    try {
      await writeHashed(join(dirname(target), name), body, sha256)
    } catch (err) {
      if (err instanceof HashMismatch) throw new HttpError(400, 'RFAM_BAD_UPLOAD', `The frame ${name} arrived damaged (${err.message}); send it again.`)
      throw err
    }
  }
}
