// The in-memory index of one project's assets: built by walking the project folder at start, kept
// fresh by watching it and by a periodic rescan (file watching misses changes made on other
// machines of a network share). It answers every read; the sidecar files stay the only truth.
//
// An asset is '<path>.json' anywhere under the root, outside 'old/' folders and dot-files:
// 'shots/hero.blend.json' is the sidecar of 'shots/hero.blend'; 'other/note.json' is the
// file-less asset 'other/note'. 'project.json' at the top is the project file, not an asset.
//
// Walking sweeps temp files left by writers that are gone (a server killed mid-write): 'swept' events.
//
// Notes and history: '<file>.history.jsonl' beside a sidecar (asset-history.ts) is no asset (it does
// not end in .json); the walk notes which assets have one (`histories`) and the watcher reports its
// changes ('history' events). '<file>.notes/' folders (note pictures) are never walked.
//
// Links: a folder that is a link is never walked (it could lead into another project, or loop). A
// sidecar or file that is a link leading out of the project is never read: its asset shows as
// broken with a reason that says so and quotes nothing of the file. Links that stay inside are read.
import { EventEmitter } from 'node:events'
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, watch, type Dirent, type FSWatcher, type Stats } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { join, relative, sep, extname, posix } from 'node:path'
import type { Asset } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { jsonSyntaxProblem } from '../../common/read-json-file.ts'
import { firstLink, leadsOutside } from '../../common/named-paths.ts'
import { readSmallFile } from './read-small-file.ts'
import { isTempName, sweepTemp, sweepTempSync } from '../../common/temp-files.ts'
import { HISTORY_SUFFIX, NOTES_SUFFIX } from './history-file.ts'

export interface FileInfo {
  exists: boolean
  size?: number
  modified?: string
  mtimeMs?: number
  /** Which file this is (device and inode, size, time), so readers can cache what they read of it. */
  identity?: string
  /** The file is a link leading out of the project: it is never read (and `exists` is false). */
  outside?: true
}

export interface AssetEntry {
  path: string
  meta?: Asset
  broken?: string
  file: FileInfo | null
  sidecarMtimeMs: number
  sidecarSize: number
  /** The sidecar is a link leading out of the project: it is never read. */
  sidecarOutside?: true
}

/** A sidecar this process has just written: its text, and its time and size as a stat tells them. */
export interface WrittenSidecar {
  text: string
  mtimeMs: number
  size: number
}

export const OLD_FOLDER = 'old'
const PROJECT_FILE = 'project.json'

/** Skips dot-files (temp files, locks), the checkpoint/trash folders and the folders of note pictures. */
export function isIgnoredName (name: string): boolean {
  return name.startsWith('.') || name === OLD_FOLDER || name === 'node_modules' || name.endsWith(NOTES_SUFFIX)
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'))

const sidecarLeadsOut = (path: string) => `The sidecar "${path}.json" is a link leading out of the project, so RFAM does not read it. Replace the link with the file itself, or move the link out of the project.`
const fileLeadsOut = (path: string) => `The file "${path}" is a link leading out of the project, so RFAM does not read or render it. Put the file itself there instead of a link.`

export class AssetIndex extends EventEmitter {
  readonly entries = new Map<string, AssetEntry>()
  /** Assets whose history file the walks (and the watcher) saw: where 'today' looks. */
  readonly histories = new Set<string>()
  version = 0
  /** One inotify watch per folder (folders are few; files are many). */
  private readonly watchers = new Map<string, FSWatcher>()
  private watching = false
  private rescanTimer?: NodeJS.Timeout
  private rescanning = false

  constructor (readonly root: string, private readonly rescanMs: number) { super() }

  async start (watchTree = true): Promise<void> {
    this.watching = watchTree
    // The first walk is synchronous: nothing is served yet, and for small files it is several
    // times faster than thousands of thread-pool round trips. Later rescans are asynchronous.
    this.scanSync(this.root)
    if (this.rescanMs > 0) {
      this.rescanTimer = setInterval(() => { void this.rescan() }, this.rescanMs)
      this.rescanTimer.unref()
    }
  }

  async close (): Promise<void> {
    clearInterval(this.rescanTimer)
    this.watching = false
    for (const w of this.watchers.values()) w.close()
    this.watchers.clear()
  }

  get (path: string): AssetEntry | undefined { return this.entries.get(path) }

  /** Absolute path of an asset's sidecar. */
  sidecarOf (path: string): string { return join(this.root, path + '.json') }

  /** Marks the project's data as changed without an asset changing (the project file did). */
  bump (): void { this.version++ }

  private changed (path: string): void {
    this.version++
    this.emit('change', path)
  }

  /** Walks the whole tree; adds, refreshes and drops entries so the index matches the disk. */
  async rescan (): Promise<void> {
    if (this.rescanning) return
    this.rescanning = true
    try {
      const seen = new Set<string>()
      await this.walk(this.root, seen)
      for (const path of [...this.entries.keys()]) {
        if (!seen.has(path)) { this.entries.delete(path); this.changed(path) }
      }
      this.emit('rescanned')
    } finally {
      this.rescanning = false
    }
  }

  private async walk (dir: string, seen: Set<string>): Promise<void> {
    let dirents
    try {
      dirents = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    this.watchFolder(dir)
    const names = new Set(dirents.map((d) => d.name))
    const work: Promise<void>[] = []
    for (const d of dirents) {
      if (isTempName(d.name)) { work.push(this.sweep(join(dir, d.name))); continue }
      if (isIgnoredName(d.name)) continue
      const abs = join(dir, d.name)
      if (d.isDirectory()) {
        work.push(this.walk(abs, seen))
      } else if (d.name.endsWith(HISTORY_SUFFIX)) {
        this.histories.add(toPosix(relative(this.root, abs)).slice(0, -HISTORY_SUFFIX.length))
      } else if (d.name.endsWith('.json') && !(dir === this.root && d.name === PROJECT_FILE)) {
        const path = toPosix(relative(this.root, abs)).slice(0, -'.json'.length)
        seen.add(path)
        work.push(this.refresh(path, names.has(d.name.slice(0, -'.json'.length)), true))
      }
    }
    await Promise.all(work)
  }

  /** Removes a temp file left by a writer that is gone (temp-files.ts), found while walking anyway. */
  private async sweep (file: string): Promise<void> {
    if (await sweepTemp(file)) this.emit('swept', file)
  }

  /**
   * `relDir` is `dir` relative to the root, built up by the walk: 10,000 calls of path.relative()
   * cost more than the rest of the path work.
   */
  private scanSync (dir: string, relDir = ''): void {
    let dirents
    try {
      dirents = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    this.watchFolder(dir)
    let byName: Map<string, Dirent> | undefined
    for (const d of dirents) {
      const name = d.name
      if (isTempName(name)) { if (sweepTempSync(dir + sep + name)) this.emit('swept', dir + sep + name); continue }
      if (isIgnoredName(name)) continue
      const abs = dir + sep + name
      const rel = relDir === '' ? name : relDir + '/' + name
      if (d.isDirectory()) { this.scanSync(abs, rel); continue }
      if (name.endsWith(HISTORY_SUFFIX)) { this.histories.add(rel.slice(0, -HISTORY_SUFFIX.length)); continue }
      if (!name.endsWith('.json') || (relDir === '' && name === PROJECT_FILE)) continue
      const path = rel.slice(0, -'.json'.length)
      byName ??= new Map(dirents.map((e) => [e.name, e]))
      const fileDirent = byName.get(name.slice(0, -'.json'.length))
      const file = fileDirent
        ? this.fileInfoSync(abs.slice(0, -'.json'.length), fileDirent)
        : (extname(path) ? { exists: false } : null)
      if (d.isSymbolicLink() && leadsOutside(this.root, abs)) {
        const link = lstatSync(abs, { throwIfNoEntry: false })
        this.entries.set(path, withFileRule({ path, file, sidecarMtimeMs: link?.mtimeMs ?? 0, sidecarSize: link?.size ?? 0, sidecarOutside: true, broken: sidecarLeadsOut(path) }))
        continue
      }
      const sidecar = readSmallFileSync(abs)
      if (!sidecar) continue // vanished while walking: the watcher or the next rescan will settle it
      this.entries.set(path, withFileRule({ path, file, sidecarMtimeMs: sidecar.mtimeMs, sidecarSize: sidecar.size, ...parseSidecar(sidecar.text) }))
    }
    this.version++
  }

  /**
   * Re-reads one asset when its sidecar or file changed on disk (cheap when nothing did: a stat).
   * `fileKnown` skips a stat when the caller already listed the folder. `walked`: the walk found it,
   * so none of its folders is a link; any other path may lie in a folder that is one (never walked).
   * `written`: the sidecar as this process just wrote it (a file, not a link), so it is not read back.
   */
  async refresh (path: string, fileKnown?: boolean, walked = false, written?: WrittenSidecar): Promise<void> {
    const sidecar = this.sidecarOf(path)
    let sidecarStat: { mtimeMs: number, size: number }
    let outside = false
    try {
      if (!walked && firstLink(this.root, posix.dirname(path) === '.' ? '' : posix.dirname(path)) !== undefined) throw new Error('in a linked folder')
      if (written) {
        sidecarStat = written
      } else {
        const found = await lstat(sidecar)
        sidecarStat = found
        if (found.isSymbolicLink()) {
          outside = leadsOutside(this.root, sidecar)
          if (!outside) sidecarStat = await stat(sidecar)
        }
      }
    } catch {
      if (this.entries.delete(path)) this.changed(path)
      return
    }
    const file = await this.fileInfo(path, fileKnown)
    const old = this.entries.get(path)
    // Each save of a sidecar has a later time than the one before (atomic-write.ts): the record of an
    // earlier save that arrives after a later one's is stale.
    if (written && old && old.sidecarMtimeMs > written.mtimeMs) return
    const sidecarSame = old && old.sidecarMtimeMs === sidecarStat.mtimeMs && old.sidecarSize === sidecarStat.size && !!old.sidecarOutside === outside
    const fileSame = old && sameFile(old.file, file)
    if (sidecarSame && fileSame) return
    // A file that stops (or starts) leading out changes what the sidecar's reading gave: read it again.
    const reuse = sidecarSame && !old.file?.outside && !file?.outside
    const entry: AssetEntry = reuse
      ? { ...old, file }
      : { path, file, sidecarMtimeMs: sidecarStat.mtimeMs, sidecarSize: sidecarStat.size, ...(outside ? { sidecarOutside: true as const, broken: sidecarLeadsOut(path) } : written ? parseSidecar(written.text) : await readSidecar(sidecar)) }
    this.entries.set(path, withFileRule(entry))
    this.changed(path)
  }

  private async fileInfo (path: string, fileKnown?: boolean): Promise<FileInfo | null> {
    if (fileKnown === false) return extname(path) ? { exists: false } : null
    const abs = join(this.root, path)
    let s = await lstat(abs).catch(() => undefined)
    if (s?.isSymbolicLink()) {
      if (leadsOutside(this.root, abs)) return { exists: false, outside: true }
      s = await stat(abs).catch(() => undefined)
    }
    // No file: a file-less asset when the path has no extension, otherwise a missing file.
    if (!s) return extname(path) ? { exists: false } : null
    return fileInfoOf(s)
  }

  /** fileInfo for the first walk, from the folder's listing. */
  private fileInfoSync (abs: string, dirent: Dirent): FileInfo | null {
    if (dirent.isSymbolicLink() && leadsOutside(this.root, abs)) return { exists: false, outside: true }
    return fileInfoOf(statSync(abs, { throwIfNoEntry: false }))
  }

  /**
   * Records what this process just wrote, so the reply does not wait for the watcher; with the
   * sidecar as written, only the asset's file is looked at.
   */
  async noteWritten (path: string, sidecar?: WrittenSidecar): Promise<void> { await this.refresh(path, undefined, false, sidecar) }

  /** Watches one folder (not its children: each folder found by a walk gets its own watch). */
  private watchFolder (dir: string): void {
    if (!this.watching || this.watchers.has(dir)) return
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name) this.onFolderEvent(dir, name.toString())
        else void this.rescan()
      })
      w.on('error', () => { w.close(); this.watchers.delete(dir) })
      this.watchers.set(dir, w)
    } catch (err) {
      this.emit('watch-error', err)
    }
  }

  private onFolderEvent (dir: string, name: string): void {
    if (isIgnoredName(name)) return
    const abs = join(dir, name)
    const rel = toPosix(relative(this.root, abs))
    if (rel === PROJECT_FILE) { this.emit('project-file'); return }
    let s: Stats | undefined
    // lstat: a link to a folder is not a folder to walk (it may lead into another project).
    try { s = lstatSync(abs) } catch {}
    if (s?.isDirectory()) {
      if (!this.watchers.has(abs)) void this.walk(abs, new Set())
      return
    }
    if (this.watchers.has(abs)) {
      // A folder went away (deleted, moved, or replaced by a link): forget it and everything under it.
      for (const [d, w] of this.watchers) if (d === abs || d.startsWith(abs + sep)) { w.close(); this.watchers.delete(d) }
      const prefix = rel + '/'
      for (const path of [...this.entries.keys()]) {
        if (path.startsWith(prefix)) { this.entries.delete(path); this.changed(path) }
      }
      return
    }
    if (rel.endsWith(HISTORY_SUFFIX)) {
      const path = rel.slice(0, -HISTORY_SUFFIX.length)
      this.histories.add(path)
      this.emit('history', path)
    } else if (rel.endsWith('.json')) void this.refresh(rel.slice(0, -'.json'.length))
    else if (this.entries.has(rel)) void this.refresh(rel)
  }
}

function sameFile (a: FileInfo | null, b: FileInfo | null): boolean {
  if (a === null || b === null) return a === b
  return a.exists === b.exists && a.size === b.size && a.mtimeMs === b.mtimeMs && a.outside === b.outside
}

/** An asset whose file is a link leading out of the project is broken, whatever its sidecar says. */
function withFileRule (entry: AssetEntry): AssetEntry {
  if (!entry.file?.outside) return entry
  const { meta: _meta, ...rest } = entry
  return { ...rest, broken: fileLeadsOut(entry.path) }
}

/**
 * A file's text with its size and modification time, from one open (open, fstat, read, close):
 * a separate stat and readFileSync would look the path up twice. Undefined when it is gone.
 */
function readSmallFileSync (file: string): { text: string, size: number, mtimeMs: number } | undefined {
  let fd: number
  try { fd = openSync(file, 'r') } catch { return undefined }
  try {
    const s = fstatSync(fd)
    const buffer = Buffer.allocUnsafe(s.size)
    let got = 0
    while (got < s.size) {
      const n = readSync(fd, buffer, got, s.size - got, got)
      if (n === 0) break // shrank meanwhile: what is there is parsed (and found broken, or not)
      got += n
    }
    return { text: buffer.toString('utf8', 0, got), size: s.size, mtimeMs: s.mtimeMs }
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

/** Which file content this is, cheaply: device, inode, size and modification time (see FileInfo). */
export function fileIdentity (s: Stats): string { return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}` }

function fileInfoOf (s: Stats | undefined): FileInfo | null {
  if (!s) return { exists: false }
  if (!s.isFile()) return null
  return { exists: true, size: s.size, modified: s.mtime.toISOString(), mtimeMs: s.mtimeMs, identity: fileIdentity(s) }
}

/** Reads, parses and validates one sidecar; a bad one becomes a broken entry with the reason. */
export async function readSidecar (file: string): Promise<{ meta?: Asset, broken?: string }> {
  let text: string
  try {
    text = await readSmallFile(file)
  } catch (err) {
    return { broken: `The sidecar cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).` }
  }
  return parseSidecar(text)
}

export function parseSidecar (text: string): { meta?: Asset, broken?: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { broken: `The sidecar is ${jsonSyntaxProblem(err, text)}. Fix or restore the file; RFAM will not overwrite it.` }
  }
  const problem = validator().check('asset.schema.json', data, { quote: false })
  if (problem) return { broken: `The sidecar does not match the asset format: ${problem}.` }
  return { meta: data as Asset }
}
