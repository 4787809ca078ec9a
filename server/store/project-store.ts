// One project's folder: its assets (through the index), its project.json, and every change to
// them. Writes re-read the file under its lock and apply only the fields that changed, so two
// people (or two servers) editing different fields of one asset never undo each other.
// Paths: what is read may go through links that stay inside the project (resolve); what is
// written may not go through any link at all (resolveForWrite), nor anything leave the project.
import { EventEmitter } from 'node:events'
import { mustBeBlend } from '../blend/blend-refusal.ts'
import { constants } from 'node:fs'
import { copyFile, lstat, mkdir, utimes, access, stat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Asset, AssetCreate, AssetUpdate, AssetView, ProjectFile, ProjectFileUpdate } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { AssetIndex, isIgnoredName, readSidecar, type WrittenSidecar } from './asset-index.ts'
import type { AssetPictures, ProjectViews } from './asset-views.ts'
import { BlendLinkCache } from './blend-link-cache.ts'
import type { FileLinks } from './blend-links.ts'
import { ProjectFileFacts } from './file-facts.ts'
import { CachedJson } from './cached-json.ts'
import { derivedAssetPath, nameKey } from './asset-naming.ts'
import { AssetHistory, fieldEvents } from './asset-history.ts'
import { checkpoint, moveToOld } from './old-folder.ts'
import { ProjectJson } from './project-json.ts'
import { jsonText, replaceFile, writeFileAtomic } from '../../common/atomic-write.ts'
import { asDiskFull } from '../../common/disk-full.ts'
import type { DefaultsSet } from './defaults-sets.ts'
import { templatePath } from './defaults-sets.ts'
import { withFileLock } from './file-lock.ts'
import { LiveViews } from './live-views.ts'
import { checkRelativePath, resolveForWrite, resolveInside } from '../../common/named-paths.ts'

export interface ProjectStoreOptions {
  ident: string
  root: string
  rescanSeconds: number
  defaultsSets: ReadonlyMap<string, DefaultsSet>
  defaultSet: string
  /** Idents of the project's members, for owner and support checks. */
  members: () => string[]
  watch?: boolean
  /** What .blend files link, by file identity; shared by the server's stores (one of its own otherwise). */
  linkCache?: BlendLinkCache
}

const exists = (p: string) => access(p).then(() => true, () => false)
/** Exists as a name, a dangling link included. */
const named = (p: string) => lstat(p).then(() => true, () => false)
const PLACE = { place: 'the project' }

export class ProjectStore extends EventEmitter {
  readonly index: AssetIndex
  /** Notes and history of the assets (asset-history.ts). */
  readonly history: AssetHistory
  /** What each .blend links and whether it holds a thumbnail, read from the file in the background. */
  private readonly facts: ProjectFileFacts
  private readonly linkCache: BlendLinkCache
  private walked = false
  /** The asset views, brought up to date one changed asset at a time. */
  private readonly live = new LiveViews()
  /** Serialised to-do lists by user, valid for one version of the views. */
  private todoCache = new Map<string, CachedJson>()
  private todoCacheVersion = -1
  private readonly projectFile: ProjectJson

  constructor (readonly options: ProjectStoreOptions) {
    super()
    this.linkCache = options.linkCache ?? new BlendLinkCache()
    this.index = new AssetIndex(options.root, options.rescanSeconds * 1000)
    this.projectFile = new ProjectJson(options.root)
    this.facts = new ProjectFileFacts(options.root, this.index, this.linkCache, (path) => {
      this.live.changed(path)
      this.linksChanged(path)
    })
    this.index.on('change', (path: string) => {
      this.live.changed(path)
      this.facts.read(path)
      // Files linking this one may now have a missing (or a found) library.
      for (const [p, l] of this.links) if (l.inside.includes(path)) this.facts.read(p)
      this.emit('change', { kind: 'asset', path })
    })
    this.history = new AssetHistory(options.root, (path) => this.index.sidecarOf(path), () => this.index.histories)
    this.history.on('change', (path: string) => this.emit('change', { kind: 'history', path }))
    this.index.on('history', (path: string) => { void this.history.changedOnDisk(path) })
    this.index.on('project-file', () => { void this.reloadProjectFileIfChanged() })
    // Network shares: the periodic walk also looks at project.json, which a watcher may miss.
    this.index.on('rescanned', () => { void this.reloadProjectFileIfChanged() })
  }

  get ident (): string { return this.options.ident }
  /** True once the first walk of the folder is done: its index then holds every file. */
  get scanned (): boolean { return this.walked }
  get root (): string { return this.options.root }

  /**
   * Reading what each .blend links waits until releaseBackgroundWork(): at server start that is once
   * the app is ready, so decompressing .blend files does not slow the start-up itself.
   */
  holdBackgroundWork (): void { this.facts.hold() }
  releaseBackgroundWork (): void { this.facts.release() }

  /** What each .blend links (inside the project, missing, outside), read from the file in the background. */
  get links (): ReadonlyMap<string, FileLinks> { return this.facts.links }
  /** The thumbnail tag of each .blend that holds a thumbnail (thumbnails.ts). */
  get thumbnails (): ReadonlyMap<string, string> { return this.facts.thumbnails }
  /** The tag of the picture from each rendered asset's latest render, as the farm says (setRenderedPicture). */
  private readonly rendered = new Map<string, string>()
  /** Every asset's picture tags: from its .blend, from its renders. */
  get pictures (): AssetPictures { return { blend: this.facts.thumbnails, rendered: this.rendered } }

  /** The farm made (or removed the last) preview of the asset's renders: its picture follows. */
  setRenderedPicture (path: string, tag: string | undefined): void {
    if (this.rendered.get(path) === tag) return
    if (tag === undefined) this.rendered.delete(path)
    else this.rendered.set(path, tag)
    this.live.changed(path)
    this.linksChanged(path)
  }

  /** The tag of the path's thumbnail when it is the one of the file of this identity. */
  thumbnailOf (path: string, identity: string): string | undefined { return this.facts.thumbnailOf(path, identity) }

  async start (): Promise<void> {
    await mkdir(this.root, { recursive: true })
    await this.projectFile.ensure()
    await this.projectFile.load()
    this.index.bump()
    await this.index.start(this.options.watch ?? true)
    this.walked = true
    this.views() // build the first list now rather than on the first request
    for (const path of this.index.entries.keys()) this.facts.read(path)
  }

  private changedLinks = new Set<string>()
  private linksTimer?: NodeJS.Timeout

  /** Folds changes read from files (links, thumbnails) within 100 ms into one new version of the views. */
  private linksChanged (path: string): void {
    this.changedLinks.add(path)
    this.linksTimer ??= setTimeout(() => {
      this.linksTimer = undefined
      const paths = [...this.changedLinks]
      this.changedLinks.clear()
      this.index.bump()
      for (const p of paths) this.emit('change', { kind: 'asset', path: p })
    }, 100)
  }

  /** True once every queued .blend has been read for its links and thumbnail. */
  get linksSettled (): boolean { return this.facts.settled }

  close (): Promise<void> {
    clearTimeout(this.linksTimer)
    return this.index.close()
  }

  // ---- project.json (project-json.ts) ------------------------------------------------------
  private async reloadProjectFileIfChanged (): Promise<void> {
    if (!await this.projectFile.reloadIfChanged()) return
    // The defaults set may have changed, and with it every true priority.
    this.index.bump()
    this.emit('change', { kind: 'project' })
  }

  file (): ProjectFile { return this.projectFile.file() }

  /** What is wrong with project.json, when something is: the details then leave out what cannot be read. */
  get fileProblem (): string | undefined { return this.projectFile.problem }

  defaults (): DefaultsSet {
    const name = this.projectFile.defaults ?? this.options.defaultSet
    return this.options.defaultsSets.get(name) ?? this.options.defaultsSets.get(this.options.defaultSet)!
  }

  async updateFile (patch: ProjectFileUpdate): Promise<ProjectFile> {
    if (patch.defaults !== undefined && !this.options.defaultsSets.has(patch.defaults)) {
      throw badRequest('RFAM_UNKNOWN_DEFAULTS', `There is no defaults set called "${patch.defaults}"; choose one of ${[...this.options.defaultsSets.keys()].join(', ')}.`)
    }
    const members = new Set(this.options.members())
    for (const role of patch.roles ?? []) {
      if (!members.has(role.user)) throw badRequest('RFAM_NOT_MEMBER', say('error:role-not-member', { user: role.user }))
    }
    this.resolveForWrite('project.json', 'project file')
    const next = await this.projectFile.update(patch)
    this.index.bump()
    this.emit('change', { kind: 'project' })
    return structuredClone(next)
  }

  // ---- reads --------------------------------------------------------------------------------
  views (): ProjectViews {
    return this.live.current(this.index.version, this.index.entries, this.links, this.defaults(), this.pictures)
  }

  /** A per-user cache for serialised views derived from the asset views (to-do lists). */
  cachedForUser (key: string, membersVersion: number, make: () => unknown): CachedJson {
    const version = this.views().version * 1e6 + membersVersion
    if (version !== this.todoCacheVersion) { this.todoCache.clear(); this.todoCacheVersion = version }
    let out = this.todoCache.get(key)
    if (!out) { out = new CachedJson(Buffer.from(JSON.stringify(make()))); this.todoCache.set(key, out) }
    return out
  }

  get (path: string): AssetView {
    const view = this.views().byPath.get(path)
    if (!view) throw notFound('RFAM_NO_ASSET', say('error:no-asset', { path }))
    return view
  }

  /**
   * Refuses (409) a name another asset of the project has already: two "Hero" would be mixed up. The
   * API asks before it creates or renames (server/routes/api/assets.ts); files changed by other tools
   * may still bring two, and everything copes with that.
   */
  checkNameFree (name: string, except?: string): void {
    const key = nameKey(name)
    for (const view of this.views().byPath.values()) {
      if (view.path !== except && view.meta && nameKey(view.meta.name) === key) {
        throw conflict('RFAM_NAME_TAKEN', say('error:name-taken', { name: view.meta.name, path: view.path }))
      }
    }
  }

  /** Absolute path of something inside the project for reading, refusing anything that leaves it (links included). */
  resolve (rel: string, what = 'asset path'): string { return resolveInside(this.root, rel, what, PLACE) }

  /** Absolute path of something inside the project for writing: no part of it may be a link. */
  resolveForWrite (rel: string, what: string, options: { lastMayBeLink?: boolean } = {}): string {
    return resolveForWrite(this.root, rel, what, { ...PLACE, ...options })
  }

  // ---- checks against the defaults set ------------------------------------------------------
  private checkFields (meta: Asset, fields: Partial<Asset>): void {
    const set = this.defaults()
    const type = set.types.get(meta.type)
    if (!type) throw badRequest('RFAM_UNKNOWN_TYPE', say('error:unknown-type', { type: meta.type, choices: set.typeList.map((t) => t.ident).join(', ') }))
    if (!type.states.includes(meta.state)) {
      throw badRequest('RFAM_BAD_STATE', say('error:bad-state', { type: type.name, state: meta.state, choices: type.states.map((s) => set.states.get(s)?.name ?? s).join(', ') }))
    }
    const { low, high } = set.priority
    if (meta.priority < low || meta.priority > high) throw badRequest('RFAM_BAD_PRIORITY', say('error:bad-priority', { low, high, value: meta.priority }))
    const members = new Set(this.options.members())
    if ('owner' in fields && meta.owner != null && !members.has(meta.owner)) throw badRequest('RFAM_NOT_MEMBER', say('error:owner-not-member', { user: meta.owner }))
    if ('support' in fields) {
      for (const s of meta.support ?? []) if (!members.has(s)) throw badRequest('RFAM_NOT_MEMBER', say('error:helper-not-member', { user: s }))
    }
    if ('dependencies' in fields) {
      for (const d of meta.dependencies ?? []) checkRelativePath(d, 'dependency')
    }
    if (meta.frameStart !== undefined && meta.frameEnd !== undefined && meta.frameEnd < meta.frameStart) {
      throw badRequest('RFAM_BAD_RANGE', say('error:end-before-start', { start: meta.frameStart, end: meta.frameEnd }))
    }
  }

  // ---- writes -------------------------------------------------------------------------------
  async create (body: AssetCreate, creator: string): Promise<AssetView> {
    const set = this.defaults()
    const type = set.types.get(body.type)
    if (!type) throw badRequest('RFAM_UNKNOWN_TYPE', say('error:unknown-type', { type: body.type, choices: set.typeList.map((t) => t.ident).join(', ') }))
    // register: the file is already there (saved from Blender); it becomes an asset where it is.
    const registering = body.register === true
    if (registering && body.path === undefined) throw badRequest('RFAM_PATH_NEEDED', say('error:register-needs-path'))
    const path = checkRelativePath(body.path ?? derivedAssetPath(type.directory, body.name, type.file), 'file name')
    if (path === '' || path.split('/').some(isIgnoredName) || path.endsWith('.json') || path === 'project') {
      throw badRequest('RFAM_BAD_FILE_NAME', say('error:bad-file-name', { path: body.path ?? '' }))
    }
    // A registered file is only read; a template is copied to a new file, so that path is written.
    const filePath = registering ? this.resolve(path, 'file') : this.resolveForWrite(path, 'file')
    this.resolveForWrite(path + '.json', 'sidecar')
    const sidecar = this.index.sidecarOf(path)
    const template = registering ? null : templatePath(set, type)
    // A file named .blend must be one: refused now, not after two failed renders. (Read through the
    // link cache: the links it finds are then known when the new asset is listed.)
    if (registering && /\.blend$/i.test(path) && await stat(filePath).then((st) => st.isFile(), () => false)) {
      await mustBeBlend(filePath, path, (abs) => this.linkCache.libraries(abs))
    }
    const meta: Asset = {
      name: body.name,
      description: body.description ?? '',
      type: type.ident,
      creator,
      created: new Date().toISOString(),
      owner: body.owner ?? null,
      support: [],
      state: type.state,
      priority: type.priority,
      render: type.render ?? false,
      video: type.video ?? false,
      dependencies: [],
    }
    this.checkFields(meta, { owner: meta.owner })
    const problem = validator().check('asset.schema.json', meta)
    if (problem) throw badRequest('RFAM_BAD_ASSET', problem)
    const written = await withFileLock(sidecar, async (): Promise<WrittenSidecar> => {
      if (registering && await exists(sidecar)) throw conflict('RFAM_EXISTS', say('error:already-asset', { path }))
      if (registering && !(await stat(filePath).then((st) => st.isFile(), () => false))) {
        throw badRequest('RFAM_NO_FILE', say('error:register-no-file', { path }))
      }
      if (await exists(sidecar) || (template && await named(filePath))) {
        throw conflict('RFAM_EXISTS', say('error:file-exists', { path }))
      }
      await mkdir(dirname(filePath), { recursive: true })
      if (template) {
        // EXCL: never over a file (or a link) that appeared meanwhile. A failed copy removes its start.
        await copyFile(template, filePath, constants.COPYFILE_EXCL).catch((err) => { throw asDiskFull(err, filePath) })
        const now = new Date()
        await utimes(filePath, now, now) // the copy is new work, not the template's date
      }
      const text = jsonText(meta)
      let done: WrittenSidecar
      try {
        done = { text, ...await writeFileAtomic(sidecar, text) }
      } catch (err) {
        // No sidecar (a full disk): the copy made for it goes too, so trying again finds no leftover.
        if (template) await unlink(filePath).catch(() => {})
        throw err
      }
      await this.history.appendAfter(path, [{ by: creator, kind: 'created', to: meta.name }])
      return done
    })
    await this.index.noteWritten(path, written)
    return this.get(path)
  }

  /**
   * Changes fields of one asset: re-reads the sidecar under its lock and applies only `patch`. With
   * `by` (who changes it), the changes of fields people care about go into its history too.
   */
  async update (path: string, patch: AssetUpdate | ((meta: Asset) => Asset), by?: string): Promise<AssetView> {
    this.get(path)
    this.resolveForWrite(path + '.json', 'sidecar')
    const sidecar = this.index.sidecarOf(path)
    let saved: Promise<unknown> | undefined
    await withFileLock(sidecar, async () => {
      const { meta, broken } = await readSidecar(sidecar)
      if (!meta) throw conflict('RFAM_BROKEN_ASSET', say('error:broken-asset', { path, reason: broken ?? '' }))
      let next: Asset
      if (typeof patch === 'function') {
        next = patch(structuredClone(meta))
      } else {
        next = { ...meta, ...patch } as Asset
        if (patch.type !== undefined && patch.state === undefined && !this.defaults().types.get(patch.type)?.states.includes(next.state)) {
          next.state = this.defaults().types.get(patch.type)?.state ?? next.state
        }
        this.checkFields(next, patch)
      }
      const problem = validator().check('asset.schema.json', next)
      if (problem) throw badRequest('RFAM_BAD_ASSET', problem)
      const text = jsonText(next)
      const { durable, ...written } = await replaceFile(sidecar, text)
      // The new sidecar is in place: the lock is let go of while the rename is synced and the index
      // records the save (their file-system round trips overlap); the answer waits for all three.
      saved = Promise.all([durable, this.index.noteWritten(path, { text, ...written })])
      saved.catch(() => {}) // a failure is thrown below, once the lock is free
      // Its history, in the same order as the changes (under the same lock).
      if (by) await this.history.appendAfter(path, fieldEvents(meta, next, by))
    })
    await saved
    return this.get(path)
  }

  /** Copies the asset's file into old/ with a timestamp (old-folder.ts); returns the copy's path. */
  checkpoint (path: string, by?: string): Promise<string> { return checkpoint(this, path, by) }

  /** Moves the asset (file, sidecar, history, note pictures) into old/ (old-folder.ts); returns where. */
  delete (path: string, by?: string): Promise<string> { return moveToOld(this, path, by) }
}
