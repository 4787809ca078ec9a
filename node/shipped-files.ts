// A node without the share (noShare, or no shares listed): before a run it asks the server for the
// job's closure, fetches the files its cache lacks (file-cache.ts) and lays them out as the project
// in a folder of the job (<cacheDir>/jobs/<job>/<share>/<project path>/…, hard links into the cache),
// so every relative path in the .blend resolves as on the share; the run's named paths then resolve
// into that folder (job-place.ts checks them as for any node). Each frame Blender writes there is
// sent back (PUT, with its hash) before it is reported; the server puts it in the project.
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, normalize, sep } from 'node:path'
import { get as httpGet } from 'node:http'
import { get as httpsGet } from 'node:https'
import { Readable } from 'node:stream'
import type { FarmClosure, FarmTask } from '../schemas/generated/types.ts'
import { parseNamedPath, Shares } from '../common/named-paths.ts'
import { farmTransferPaths, type FarmClient } from '../common/farm-client.ts'
import { FileCache, ShipRefused } from './file-cache.ts'
import { RunRefused } from './run-refused.ts'
import { say } from '../common/sentences.ts'

export { ShipRefused }

export interface ShipperOptions {
  server: string
  credential: string
  node: string
  cacheDir: string
  cacheLimitBytes: number
  client: FarmClient
  /** The node's current session (null between sessions). */
  session: () => string | null
}

export interface ShippedPlace {
  shares: Shares
  /** The project's folder on the server: absolute paths under it lead into the job's folder (the sandbox mounts it there too). */
  serverRoot?: string
  fetched: number
  bytes: number
}

export class Shipper {
  readonly cache: FileCache
  /** Jobs whose folders are in use: other job folders are removed when a new one is laid out. */
  private readonly active = new Map<string, number>()

  constructor (private readonly o: ShipperOptions) {
    this.cache = new FileCache(o.cacheDir, o.cacheLimitBytes, (sha, from) => this.fetchBlob(sha, from))
  }

  private headers (): Record<string, string> {
    return { authorization: `Bearer ${this.o.credential}`, 'x-rfam-node': this.o.node, 'x-rfam-session': this.o.session() ?? '' }
  }

  /** One file of the store from byte `from` on, as a Node stream (node:http: no web-stream layer on every chunk). */
  private fetchBlob (sha256: string, from: number): Promise<Readable> {
    const url = new URL(this.o.server + farmTransferPaths.farmBlob({ hash: sha256 }))
    const get = url.protocol === 'https:' ? httpsGet : httpGet
    return new Promise((resolve, reject) => {
      const req = get(url, { headers: { ...this.headers(), ...(from > 0 ? { range: `bytes=${from}-` } : {}) } }, (res) => {
        const status = res.statusCode ?? 0
        if (status === 200 || status === 206) {
          if (from > 0 && status !== 206) { res.destroy(); reject(new Error('the server sent the whole file where the rest was asked for')); return }
          resolve(res)
          return
        }
        let text = ''
        res.setEncoding('utf8').on('data', (d: string) => { text += d }).on('end', () => {
          const message = safeMessage(text) ?? `the server answered ${status}`
          reject(status === 404 || status === 401 || status === 403 ? new ShipRefused(say('noderun:fetch-refused', { reason: message })) : new Error(message))
        })
      })
      req.on('error', reject)
    })
  }

  /** Fetches and lays out the run's files; the Shares that make its named paths resolve there. */
  async place (task: FarmTask): Promise<ShippedPlace> {
    const session = this.o.session()
    if (!session) throw new Error('no session with the server')
    const closure: FarmClosure = await this.o.client.farmClosure({ node: this.o.node, session, job: task.job })
    const { fetched, bytes } = await this.cache.ensure(closure.files)
    this.active.set(task.job, (this.active.get(task.job) ?? 0) + 1)
    await this.sweep()
    const named = parseNamedPath(task.projectDir ?? task.file.replace(/\/[^/]*$/, ''))
    const shareRoot = join(this.o.cacheDir, 'jobs', task.job, named.share)
    const project = join(shareRoot, named.rel)
    for (const f of closure.files) {
      const target = normalize(join(project, f.path))
      if (!target.startsWith(project + sep)) throw new ShipRefused(say('noderun:listed-outside', { path: f.path }))
      await mkdir(dirname(target), { recursive: true })
      const blob = this.cache.blobPath(f.sha256)
      const [have, from] = await Promise.all([stat(target).catch(() => null), stat(blob)])
      if (have && have.ino === from.ino && have.dev === from.dev) continue
      await rm(target, { force: true })
      await link(blob, target).catch(() => copyFile(blob, target))
    }
    return { shares: new Shares(new Map([[named.share, shareRoot]])), ...(closure.projectRoot ? { serverRoot: closure.projectRoot } : {}), fetched, bytes }
  }

  /** A run of the job ended: its folder may go once no run uses it. */
  done (job: string): void {
    const n = (this.active.get(job) ?? 1) - 1
    if (n > 0) this.active.set(job, n)
    else this.active.delete(job)
  }

  /** Removes the folders of jobs no run uses (their files stay in the cache). */
  private async sweep (): Promise<void> {
    const jobs = join(this.o.cacheDir, 'jobs')
    for (const name of await readdir(jobs).catch(() => [] as string[])) {
      if (!this.active.has(name)) await rm(join(jobs, name), { recursive: true, force: true })
    }
  }

  /** Sends a frame Blender wrote to the server, which puts it in the project; retried a few times. */
  async upload (task: FarmTask, file: string): Promise<void> {
    let problem = ''
    for (let attempt = 1; attempt <= 3; attempt++) {
      const hash = createHash('sha256')
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
      const size = (await stat(file)).size
      const res = await fetch(this.o.server + farmTransferPaths.farmFrameUpload({ job: task.job, name: basename(file) }), {
        method: 'PUT',
        headers: { ...this.headers(), 'content-type': 'application/octet-stream', 'content-length': String(size), 'x-rfam-sha256': hash.digest('hex') },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit).catch((err: Error) => err)
      if (!(res instanceof Error) && res.ok) {
        // The frame is on the server: the job folder need not keep it.
        await rm(file, { force: true })
        return
      }
      problem = res instanceof Error ? res.message : safeMessage(await res.text()) ?? `the server answered ${res.status}`
      if (!(res instanceof Error) && res.status === 409) break
    }
    throw new RunRefused(task.video && !basename(file).startsWith('.')
      ? say('noderun:video-upload-failed', { file: basename(file), problem })
      : say('noderun:upload-failed', { frame: basename(file), problem }))
  }

  /**
   * A video's movie, then the picture of its latest frame Blender saved for the job's preview (as a
   * node with the share leaves it beside the movie). The preview's name once sent; one that cannot
   * be sent costs only the preview.
   */
  async uploadMovie (task: FarmTask, movie: string, preview: string | null | undefined, notSent: (reason: string) => void): Promise<string | undefined> {
    await this.upload(task, movie)
    if (!preview) return undefined
    return this.upload(task, preview).then(() => basename(preview), (err: Error) => { notSent(err.message); return undefined })
  }
}

function safeMessage (text: string): string | undefined {
  try { return (JSON.parse(text) as { message?: string }).message } catch { return text.slice(0, 300) || undefined }
}

/** Whether a job folder is laid out already (tests). */
export function jobFolderExists (cacheDir: string, job: string): boolean { return existsSync(join(cacheDir, 'jobs', job)) }
