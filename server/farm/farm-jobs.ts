// The render jobs people create, change and remove (the Rendering page, the add-on, automatic
// renders), as they see them, and the previews shown with them. The first runs of a new job are
// sized from earlier renders of its file. Part of the farm (farm.ts, the facade the routes call).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { isAbsolute, posix, relative, sep } from 'node:path'
import type { FilmPlan, Job, JobCreate, JobUpdate, JobView, RenderSettingsView } from '../../schemas/generated/types.ts'
import { notABlend } from '../blend/blend-refusal.ts'
import { BlendFileError } from '../blend/blend-error.ts'
import { readBlendInfo, resolveLibraryPath } from '../blend/read-blend-links.ts'
import { readBlendVersion } from '../blend/blend-version.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { fileLinks } from '../store/blend-links.ts'
import { sweepFolder } from '../../common/temp-files.ts'
import { say, type Said } from '../../common/sentences.ts'
import type { FarmContext } from './farm-context.ts'
import { fileWarnings, type FileWarning } from './file-warnings.ts'
import { checkBlendPath, createJob, projectPaths } from './job-factory.ts'
import { JobRuntime } from './job-runtime.ts'
import { isFinished } from './job-states.ts'
import { findFrameFile } from './frame-files.ts'
import { createFilmJob } from './film-job.ts'
import { PreviewMaker } from './preview.ts'
import { Changes } from './task-moves.ts'
import { jobView, relativeToProject, renderRef } from './views.ts'
import { cannotRender, fitKey, fitSignature, type FitJob, type FitNode } from './node-fit.ts'

export class FarmJobs {
  private readonly previews: PreviewMaker
  private readonly previewed = new Set<string>()
  /** cannotRender's answers for the farm's nodes as they were (fitSignature), by kind of job (fitKey). */
  private fitMemo = { signature: '', said: new Map<string, Said | null>() }

  constructor (private readonly ctx: FarmContext, private readonly newId: () => string) {
    this.previews = new PreviewMaker(ctx.deps.farmDir, ctx.deps.log, (job) => {
      this.previewed.add(job)
      const rt = ctx.scheduler.jobs.get(job)
      if (rt) {
        ctx.announce(rt)
        this.tellPicture(rt.project, rt.job.asset)
      }
    })
  }

  /** At start: previews a killed server was writing are removed; those on disk are shown. */
  async loadPreviews (): Promise<void> {
    await sweepFolder(this.previews.dir) // previews a killed server was writing
    try {
      for (const name of readdirSync(this.previews.dir)) if (name.endsWith('.jpg')) this.previewed.add(name.slice(0, -4))
    } catch { /* no previews yet */ }
    const assets = new Set<string>()
    for (const rt of this.ctx.scheduler.jobs.values()) if (this.previewed.has(rt.id) && rt.job.asset) assets.add(`${rt.project}\n${rt.job.asset}`)
    for (const key of assets) {
      const [project, asset] = key.split('\n') as [string, string]
      this.tellPicture(project, asset)
    }
  }

  /**
   * Tells the store the tag of the asset's picture from its renders (or that it has none any more),
   * so the asset list offers a picture exactly while there is one to send.
   */
  private tellPicture (project: string, asset: string | undefined): void {
    if (!asset) return
    const latest = this.latestPreviewOf(project, asset)
    this.ctx.deps.renderedPicture?.(project, asset, latest ? `r${Math.round(latest.mtimeMs).toString(36)}-${latest.size.toString(36)}` : undefined)
  }

  private runtime (project: string, id: string): JobRuntime {
    const rt = this.ctx.scheduler.jobs.get(id)
    if (!rt || rt.project !== project) throw notFound('RFAM_NO_JOB', say('error:no-job', { project, id }))
    return rt
  }

  /**
   * What a .blend of a project is, read from the file (cached per file identity): its path, its
   * render settings and what would spoil a render. 400 for a file that is not there or no .blend.
   */
  private async readFile (project: string, path: string) {
    const info = this.ctx.deps.project(project)
    if (!info) throw notFound('RFAM_NO_PROJECT', say('error:no-project', { project }))
    const rel = checkBlendPath(path)
    const paths = projectPaths(this.ctx.deps.resolveNamedPath, info.directory)
    const abs = paths.file(rel)
    let isFile = false
    try { isFile = statSync(abs).isFile() } catch { isFile = false }
    if (!isFile) throw badRequest('RFAM_NO_FILE', say('error:render-no-file', { path: rel, project }))
    let facts
    let version: string
    try {
      facts = await (this.ctx.deps.blendFacts ?? readBlendInfo)(abs)
      version = await readBlendVersion(abs)
    } catch (err) {
      if (err instanceof BlendFileError) throw notABlend(err, rel)
      throw err
    }
    const root = this.ctx.deps.resolveNamedPath(info.directory)
    const links = fileLinks(root, rel, facts.libraries)
    // A missing library inside the project is named by its path there, as the node names it.
    const shown = (lib: string) => {
      const inside = relative(root, resolveLibraryPath(abs, lib))
      return inside.startsWith('..') || isAbsolute(inside) ? lib : inside.split(sep).join('/')
    }
    const warn = (video?: boolean): FileWarning[] => fileWarnings({ render: facts.render, missing: links.missing.map(shown), outside: links.outside.filter((l) => !links.missing.includes(l)), denoise: this.denoisers(), video })
    return { info, rel, paths, render: facts.render, warn, version }
  }

  /** Of the farm's nodes (those online, or every known one while none is), how many said they cannot denoise. */
  private denoisers (): { cannot: number, of: number } {
    const all = [...this.ctx.registry.nodes.values()]
    const online = all.filter((s) => s.online)
    const pool = online.length > 0 ? online : all
    return { cannot: pool.filter((s) => s.record.denoise === false).length, of: pool.length }
  }

  /** The render form's defaults: what the file renders, and what would spoil it. */
  async renderSettings (project: string, path: string): Promise<RenderSettingsView> {
    const { info, rel, render, warn, version } = await this.readFile(project, path)
    const view: RenderSettingsView = { path: rel, settings: render, warnings: warn(), blenderVersion: version }
    const blocked = this.cannotRender({ blenderVersion: version, ...(info.blenderVersion ? { blenderPin: info.blenderVersion } : {}) })
    if (blocked) view.cannotRender = { message: blocked.text, sentence: blocked.sentence }
    if (!render) view.problem = `"${rel}" has no scene this server can read, so its render settings are not known: give the frames to render yourself.`
    return view
  }

  async createJob (project: string, body: JobCreate, options: { by?: string, auto?: boolean } = {}): Promise<JobView> {
    this.ctx.mustWrite()
    const { info, rel, paths, render, warn, version } = await this.readFile(project, body.file)
    // The file is the truth: frames not given are its scene's.
    const frameStart = body.frameStart ?? render?.frameStart
    const frameEnd = body.frameEnd ?? render?.frameEnd
    if (frameStart === undefined || frameEnd === undefined) {
      throw badRequest('RFAM_BAD_FRAMES', `Give the first and last frame to render: "${rel}" has no scene this server can read them from.`)
    }
    const frameStep = body.frameStep ?? render?.frameStep ?? 1
    const asset = this.ctx.deps.asset?.(project, rel)
    const job = createJob({
      id: this.newId(),
      now: this.ctx.clock.now(),
      project,
      projectDir: info.directory,
      body: { ...body, frameStart, frameEnd, frameStep },
      defaultName: asset?.name ?? posix.basename(rel).replace(/\.blend$/i, ''),
      defaultPriority: asset?.priority,
      spread: this.ctx.deps.settings.spreadFrames,
      asset: asset ? rel : undefined,
      createdBy: options.by,
      auto: options.auto,
    })
    if (render) job.settings = render
    job.blenderVersion = version
    if (info.blenderVersion) job.blenderPin = info.blenderVersion
    const warnings = warn(job.video)
    if (warnings.length > 0) job.warnings = warnings
    paths.output(job.output!)
    this.checkOutputFree(job, info.directory)
    await this.ctx.store.create(job)
    const rt = new JobRuntime(job)
    this.seedFromHistory(rt)
    this.ctx.scheduler.add(rt)
    this.ctx.deps.log.info({ job: job.id, project, file: rel, frameStart: job.frameStart, frameEnd: job.frameEnd, frameStep: job.frameStep, tasks: job.tasks.length, ...(job.video ? { video: true } : {}), by: options.by }, 'job added')
    this.ctx.announce(rt)
    this.ctx.wakeForWork()
    if (job.asset) this.ctx.deps.history?.(project, job.asset, { by: options.by ?? 'rfam', kind: 'render', to: 'queued', render: renderRef(job) })
    return this.view(rt)
  }

  /** A film job (film-job.ts): ffmpeg on a node puts the shots of this plan together into renders/film/<name>.mp4. */
  async createFilmJob (project: string, plan: FilmPlan, name: string, by?: string): Promise<JobView> {
    this.ctx.mustWrite()
    const info = this.ctx.deps.project(project)
    if (!info) throw notFound('RFAM_NO_PROJECT', say('error:no-project', { project }))
    const job = createFilmJob({ id: this.newId(), now: this.ctx.clock.now(), project, projectDir: info.directory, name, plan, priority: 0, createdBy: by })
    projectPaths(this.ctx.deps.resolveNamedPath, info.directory).output(job.output!)
    await this.ctx.store.create(job)
    const rt = new JobRuntime(job)
    this.ctx.scheduler.add(rt)
    this.ctx.deps.log.info({ job: job.id, project, film: name, frames: job.frameEnd, by }, 'film job added')
    this.ctx.announce(rt)
    this.ctx.wakeForWork()
    return this.view(rt)
  }

  /**
   * Refuses (409 RFAM_OUTPUT_IN_USE) a job whose output folder an unfinished job uses for another
   * file: the two files' frames would overwrite each other there while both jobs say every frame was
   * rendered. Jobs of the same file may share it (their frames are that file's, as saved now).
   */
  private checkOutputFree (job: Job, projectDir: string): void {
    const folder = posix.dirname(job.output!)
    for (const { job: o } of this.ctx.scheduler.jobs.values()) {
      if (isFinished(o.status) || o.file === job.file || posix.dirname(o.output ?? '') !== folder) continue
      throw conflict('RFAM_OUTPUT_IN_USE', `The output folder ${relativeToProject(folder, projectDir)}/ is in use by the unfinished job "${o.name}" (${o.status}), which renders ${relativeToProject(o.file, projectDir)} there: the two files' frames would overwrite each other. Wait until it has finished, cancel it, or give this job another output folder.`)
    }
  }

  /**
   * A file rendered before tells how long its frames take and what a Blender start costs, so the
   * first runs of a new job are sized right (a file of tiny frames is not split over processes).
   */
  private seedFromHistory (rt: JobRuntime): void {
    let best: JobRuntime | undefined
    for (const other of this.ctx.scheduler.jobs.values()) {
      if (other !== rt && other.job.file === rt.job.file && other.measuredSeconds !== null && (!best || other.created > best.created)) best = other
    }
    if (best) {
      rt.seed(best.measuredSeconds!, best.overheadSeconds)
      return
    }
    const stats = rt.job.asset ? this.ctx.deps.assetStats?.(rt.project, rt.job.asset) : undefined
    const latest = Object.values(stats?.frames ?? {}).map((samples) => samples?.at(-1)?.seconds).filter((x): x is number => x !== undefined)
    if (latest.length > 0) rt.seed(latest.reduce((a, b) => a + b, 0) / latest.length, rt.overheadSeconds)
  }

  listJobs (project: string): JobView[] {
    return [...this.ctx.scheduler.jobs.values()].filter((rt) => rt.project === project)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1))
      .map((rt) => this.view(rt))
  }

  getJob (project: string, id: string): JobView {
    return this.view(this.runtime(project, id), true)
  }

  async updateJob (project: string, id: string, patch: JobUpdate, by?: string): Promise<JobView> {
    const rt = this.runtime(project, id)
    this.ctx.mustWrite()
    const { job } = rt
    if (patch.action) {
      this.ctx.sm.act(job, patch.action, by)
      if (patch.action === 'requeue') rt.rebuild()
    }
    if (patch.priority !== undefined) job.priority = patch.priority
    if (patch.name !== undefined) job.name = patch.name
    job.updated = new Date(this.ctx.clock.now()).toISOString()
    this.ctx.scheduler.refresh(rt)
    const changes = new Changes()
    changes.add(rt, patch.action ? job.tasks.keys() : [])
    await this.ctx.commit(changes)
    this.ctx.waiters.tellCancels()
    if (patch.action !== 'cancel') this.ctx.wakeForWork()
    return this.view(rt)
  }

  async removeJob (project: string, id: string, by?: string): Promise<void> {
    const rt = this.runtime(project, id)
    // The file first: a job whose file could not be removed is not gone. (Allowed on a full disk:
    // it needs no room, and makes some.)
    await this.ctx.store.remove(id)
    if (!isFinished(rt.job.status)) this.ctx.sm.act(rt.job, 'cancel', by)
    this.ctx.scheduler.remove(rt)
    await this.previews.remove(id)
    this.previewed.delete(id)
    this.tellPicture(project, rt.job.asset)
    this.ctx.frameFiles.forget(id)
    this.ctx.waiters.tellCancels()
    this.ctx.deps.log.info({ job: id, project, by }, 'job removed')
    this.ctx.announce(rt)
  }

  previewOf (project: string, id: string): string | null {
    this.runtime(project, id)
    const file = this.previews.pathOf(id)
    return this.previewed.has(id) && existsSync(file) ? file : null
  }

  /**
   * A frame of one of the project's jobs, for a note pointing at it: its file inside the project and
   * the render's name. 404 for a job that is not the project's, 400 when the frame's file is not on disk.
   */
  async frameFile (project: string, id: string, frame: number): Promise<{ file: string, render: string }> {
    const { job } = this.runtime(project, id)
    if (job.video) throw badRequest('RFAM_NO_FRAME', say('error:note-frame-video', { render: job.name }))
    const named = frame >= job.frameStart && frame <= job.frameEnd ? await findFrameFile(this.ctx.deps.resolveNamedPath, job, frame) : null
    if (!named) throw badRequest('RFAM_NO_FRAME', say('error:note-frame-missing', { frame, render: job.name }))
    return { file: relativeToProject(named, this.ctx.deps.project(project)?.directory), render: job.name }
  }

  /**
   * The newest preview of any job rendering this asset (a path inside the project): the picture of
   * its latest rendered frame, for its thumbnail. Null when no job of it has one (any more).
   */
  latestPreviewOf (project: string, asset: string): { file: string, mtimeMs: number, size: number } | null {
    let latest: { file: string, mtimeMs: number, size: number } | null = null
    for (const rt of this.ctx.scheduler.jobs.values()) {
      if (rt.project !== project || rt.job.asset !== asset || !this.previewed.has(rt.id)) continue
      const file = this.previews.pathOf(rt.id)
      const found = statSync(file, { throwIfNoEntry: false })
      if (found?.isFile() && (!latest || found.mtimeMs > latest.mtimeMs)) latest = { file, mtimeMs: found.mtimeMs, size: found.size }
    }
    return latest
  }

  private view (rt: JobRuntime, withTasks = false): JobView {
    const dir = this.ctx.deps.project(rt.project)?.directory
    return jobView(rt, {
      path: relativeToProject(rt.job.file, dir),
      preview: this.previewed.has(rt.id) ? `/api/projects/${rt.project}/jobs/${rt.id}/preview?v=${rt.job.revision ?? 0}` : null,
      withTasks,
      cannotRender: isFinished(rt.job.status) ? null : this.cannotRender(rt.job),
    })
  }

  /** Why no node can render a job like this one: worked out once per kind of job while the farm's nodes stay the same. */
  private cannotRender (job: FitJob): Said | null {
    const pool = this.fitPool()
    const signature = fitSignature(pool)
    if (signature !== this.fitMemo.signature) this.fitMemo = { signature, said: new Map() }
    const key = fitKey(job)
    let said = this.fitMemo.said.get(key)
    if (said === undefined) this.fitMemo.said.set(key, said = cannotRender(job, pool))
    return said
  }

  /** The nodes a job's Blender and device are judged against: those online, or every known one while none is. */
  fitPool (): FitNode[] {
    const all = [...this.ctx.registry.nodes.values()]
    const online = all.filter((s) => s.online)
    return (online.length > 0 ? online : all).map((s) => s.caps)
  }

  /** Asks for a preview of the latest frame a node wrote, or of the picture it made of one (a movie's frames only that way). */
  preview (rt: JobRuntime, msg: { output?: string, preview?: string }): void {
    const source = msg.preview ?? (rt.job.video ? undefined : msg.output)
    if (!source) return
    try {
      const dir = posix.dirname(rt.job.output ?? '')
      const info = this.ctx.deps.project(rt.project)
      if (!info) return
      const abs = projectPaths(this.ctx.deps.resolveNamedPath, info.directory).read(`${dir}/${source}`, 'frame')
      this.previews.request(rt.id, abs)
    } catch (err) {
      this.ctx.deps.log.warn({ job: rt.id, project: rt.project, err }, 'no preview of the frame a node wrote')
    }
  }
}
