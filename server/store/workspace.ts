// Everything the server knows, in one place: users, projects and a ProjectStore for each project,
// the defaults sets and the languages. Built from the disk at start and kept in step with it.
import { EventEmitter } from 'node:events'
import { basename, join } from 'node:path'
import type { HistoryEvent, Language, Project, User } from '../../schemas/generated/types.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import { notFound } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { loadConfiguredDefaultsSets, type DefaultsSet } from './defaults-sets.ts'
import { JsonDirectory } from './json-dir.ts'
import { loadLanguages } from './languages.ts'
import { ProjectStore } from './project-store.ts'
import { BlendLinkCache, LINK_CACHE_FILE } from './blend-link-cache.ts'
import { ThumbnailCache } from './thumbnails.ts'
import { sweepFolder } from '../../common/temp-files.ts'
import { Problems } from './problems.ts'
import { shownPath } from './shown-path.ts'

/**
 * 'problems': the list of damaged files changed (sent to every project: staff see it on any);
 * 'history': an asset's notes and history (asset-history.ts). The workspace also emits 'recorded'
 * ({ project, path, events }) for the events this server appended to a history (the notifier hears them).
 */
export interface ProjectChange { project: string, kind: 'asset' | 'project' | 'members' | 'job' | 'node' | 'problems' | 'history', path?: string }

export class Workspace extends EventEmitter {
  readonly users: JsonDirectory<User>
  readonly projects: JsonDirectory<Project>
  readonly defaultsSets: Map<string, DefaultsSet>
  readonly languages: Map<string, Language>
  /** Every file that cannot be read now, for staff (GET /api/problems) and the log. */
  readonly problems: Problems
  /** What every project's .blend files link, kept in the cache folder across restarts. */
  readonly linkCache: BlendLinkCache
  /** The thumbnails of .blend files as PNG, the latest kept in memory (thumbnails.ts). */
  readonly thumbnails = new ThumbnailCache()
  private readonly stores = new Map<string, ProjectStore>()
  /** Each store's first walk, for callers that need a project they just made to be ready. */
  private readonly started = new Map<string, Promise<void>>()
  private rescanTimer?: NodeJS.Timeout
  /** Stores made before startBackgroundWork() hold their background work until it is called. */
  private backgroundStarted = false

  /** `log`: where problems the server works around go (a broken cache file, temp files swept): fields, then a short message. */
  constructor (readonly config: LoadedConfig, private readonly watchFiles = true, private readonly log: (fields: object, msg: string) => void = () => {}) {
    super()
    this.problems = new Problems(log)
    this.problems.on('change', () => { for (const project of this.stores.keys()) this.emit('change', { project, kind: 'problems' }) })
    this.linkCache = new BlendLinkCache({ file: join(config.cacheDir, LINK_CACHE_FILE), live: () => this.liveFileIdentities(), log })
    this.defaultsSets = loadConfiguredDefaultsSets(config)
    const { languages, broken } = loadLanguages(config.languagesDir, config.language)
    this.languages = languages
    for (const b of broken) this.problems.set({ kind: 'language', file: this.shown(b.file), reason: b.reason, subject: b.code })
    // Users' files hold password hashes: only the server may read them.
    this.users = new JsonDirectory<User>(config.usersDir, 'user.schema.json', { mode: 0o600 })
    this.projects = new JsonDirectory<Project>(config.projectsDir, 'project.schema.json')
    this.syncFolderProblems()
  }

  private shown (abs: string): string { return shownPath(this.config, abs) }

  /** users/ and projects/: the files left out of each, as problems. */
  private syncFolderProblems (): void {
    for (const [kind, folder] of [['user', this.users], ['project', this.projects]] as const) {
      this.problems.sync((p) => p.kind === kind, folder.broken().map((b) => ({ kind, file: this.shown(b.file), reason: b.reason, subject: basename(b.file, '.json') })))
    }
  }

  /** A project's project.json, as a problem when it is damaged. */
  private syncProjectFileProblem (store: ProjectStore): void {
    const file = this.shown(join(store.root, 'project.json'))
    if (store.fileProblem) this.problems.set({ kind: 'project-file', file, reason: store.fileProblem, project: store.ident })
    else this.problems.clear(file)
  }

  /** A sidecar, as a problem when its asset is broken. */
  private syncAssetProblem (store: ProjectStore, path: string): void {
    const entry = store.index.get(path)
    const file = this.shown(store.index.sidecarOf(path))
    if (entry?.broken) this.problems.set({ kind: 'asset', file, reason: entry.broken, subject: path, project: store.ident })
    else this.problems.clear(file)
  }

  /** After a project's first walk: everything it found (later, each change reports its own). */
  private syncStoreProblems (store: ProjectStore): void {
    this.syncProjectFileProblem(store)
    // Only broken entries are looked at: naming 10,000 sidecars would cost the start-up time.
    const broken = [...store.index.entries.values()].filter((e) => e.broken !== undefined).map((e) => ({
      kind: 'asset' as const, file: this.shown(store.index.sidecarOf(e.path)), reason: e.broken!, subject: e.path, project: store.ident,
    }))
    this.problems.sync((p) => p.kind === 'asset' && p.project === store.ident, broken)
  }

  async start (): Promise<void> {
    await this.sweepTemps(this.ownFolders())
    await this.linkCache.load()
    await this.syncProjectStores()
    this.projects.on('change', () => { this.syncFolderProblems(); void this.syncProjectStores() })
    this.users.on('change', () => {
      this.syncFolderProblems()
      for (const p of this.stores.keys()) this.emit('change', { project: p, kind: 'members' })
    })
    if (this.watchFiles) {
      this.users.watchForChanges()
      this.projects.watchForChanges()
    }
    // Watching misses edits made by another machine on a network share: re-read now and then.
    this.rescanTimer = setInterval(() => {
      this.users.reload()
      this.projects.reload()
      void this.sweepTemps([this.config.usersDir, this.config.projectsDir])
    }, this.config.rescanSeconds * 1000)
    this.rescanTimer.unref()
  }

  /**
   * The folders RFAM writes outside the projects (whose folders the asset index sweeps as it walks
   * them); the farm's jobs sweep their own folder when they load.
   */
  private ownFolders (): string[] {
    const { config } = this
    const pictures = config.shares.names().flatMap((s) => ['users', 'projects'].map((kind) => join(config.shares.root(s), 'pictures', kind)))
    return [config.usersDir, config.projectsDir, config.secretsDir, config.cacheDir, join(config.farmDir, 'nodes'), ...pictures]
  }

  /** Removes temp files left by writes that never finished (a killed server), and says so. */
  private async sweepTemps (folders: string[]): Promise<void> {
    for (const dir of folders) {
      const removed = await sweepFolder(dir)
      if (removed.length > 0) this.log({ dir, files: removed }, 'removed temp files left by writes that never finished')
    }
  }

  /** Lets every store read its .blend files' links (held while the server starts). */
  startBackgroundWork (): void {
    this.backgroundStarted = true
    // Every project has been walked: what is cached of files gone (or changed) since can go.
    this.linkCache.sweep()
    for (const store of this.stores.values()) store.releaseBackgroundWork()
  }

  /** Identities of every file in every project; undefined while a project is still being walked. */
  private liveFileIdentities (): Set<string> | undefined {
    const live = new Set<string>()
    for (const store of this.stores.values()) {
      if (!store.scanned) return undefined
      for (const entry of store.index.entries.values()) if (entry.file?.identity) live.add(entry.file.identity)
    }
    return live
  }

  async close (): Promise<void> {
    clearInterval(this.rescanTimer)
    await Promise.all([this.users.close(), this.projects.close(), ...[...this.stores.values()].map((s) => s.close())])
    await this.linkCache.close()
  }

  /** Starts a store for every project file, and closes those whose file went away. */
  private async syncProjectStores (): Promise<void> {
    const wanted = new Map(this.projects.all().map((p) => [p.ident, p]))
    for (const [ident, store] of this.stores) {
      const p = wanted.get(ident)
      if (!p || this.config.shares.resolve(p.directory) !== store.root) {
        this.stores.delete(ident)
        this.started.delete(ident)
        this.problems.sync((problem) => problem.project === ident, [])
        await store.close()
      }
    }
    const starting: Promise<void>[] = []
    for (const p of wanted.values()) {
      if (this.stores.has(p.ident)) continue
      const store = new ProjectStore({
        ident: p.ident,
        root: this.config.shares.resolve(p.directory),
        rescanSeconds: this.config.rescanSeconds,
        defaultsSets: this.defaultsSets,
        defaultSet: this.config.defaultSet,
        members: () => this.members(p.ident).map((u) => u.ident),
        watch: this.watchFiles,
        linkCache: this.linkCache,
      })
      store.on('change', (c: { kind: ProjectChange['kind'], path?: string }) => {
        if (c.kind === 'project') this.syncProjectFileProblem(store)
        else if (c.kind === 'asset' && c.path !== undefined) this.syncAssetProblem(store, c.path)
        this.emit('change', { project: p.ident, ...c })
      })
      store.history.on('appended', (path: string, events: HistoryEvent[]) => this.emit('recorded', { project: p.ident, path, events }))
      store.history.on('lost', ({ path, events, err }: { path: string, events: Array<{ kind: string }>, err: unknown }) =>
        this.log({ project: p.ident, path, kinds: events.map((e) => e.kind), err }, 'a change was saved but could not be written into the asset\'s history'))
      store.index.on('swept', (file: string) => this.log({ project: p.ident, file: this.config.shares.toNamed(file) ?? file }, 'removed a temp file left by a write that never finished'))
      if (!this.backgroundStarted) store.holdBackgroundWork()
      this.stores.set(p.ident, store)
      const started = store.start().then(() => this.syncStoreProblems(store))
      this.started.set(p.ident, started)
      starting.push(started)
    }
    await Promise.all(starting)
  }

  project (ident: string): Project {
    const p = this.projects.get(ident)
    if (!p) throw notFound('RFAM_NO_PROJECT', say('error:no-project', { project: ident }))
    return p
  }

  /** Resolves once the project's store has read its folder (at once for one long started). */
  async projectReady (ident: string): Promise<void> {
    if (!this.stores.has(ident)) await this.syncProjectStores()
    await this.started.get(ident)
  }

  store (ident: string): ProjectStore {
    const s = this.stores.get(ident)
    if (!s) throw notFound('RFAM_NO_PROJECT', say('error:no-project', { project: ident }))
    return s
  }

  allStores (): ProjectStore[] { return [...this.stores.values()] }

  members (project: string): User[] {
    return this.users.all().filter((u) => u.projects.includes(project)).sort((a, b) => a.name.localeCompare(b.name))
  }

  user (ident: string): User {
    const u = this.users.get(ident)
    if (!u) throw notFound('RFAM_NO_USER', say('error:no-user', { user: ident }))
    return u
  }
}
