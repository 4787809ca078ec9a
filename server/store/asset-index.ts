// The in-memory index of one project's assets: built by walking the project folder at start, kept
// fresh by watching it and by a periodic rescan (file watching misses changes made on other
// machines of a network share). It answers every read; the sidecar files stay the only truth.
//
// An asset is '<path>.json' anywhere under the root, outside 'old/' folders and dot-files:
// 'shots/hero.blend.json' is the sidecar of 'shots/hero.blend'; 'other/note.json' is the
// file-less asset 'other/note'. 'project.json' at the top is the project file, not an asset.
import { EventEmitter } from 'node:events'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, sep, extname } from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import type { Asset } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'

export interface FileInfo { exists: boolean, size?: number, modified?: string, mtimeMs?: number }

export interface AssetEntry {
  path: string
  meta?: Asset
  broken?: string
  file: FileInfo | null
  sidecarMtimeMs: number
  sidecarSize: number
}

export const OLD_FOLDER = 'old'
const PROJECT_FILE = 'project.json'

/** Skips dot-files (temp files, locks) and the checkpoint/trash folders. */
export function isIgnoredName (name: string): boolean {
  return name.startsWith('.') || name === OLD_FOLDER || name === 'node_modules'
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'))

export class AssetIndex extends EventEmitter {
  readonly entries = new Map<string, AssetEntry>()
  version = 0
  private watcher?: FSWatcher
  private rescanTimer?: NodeJS.Timeout
  private rescanning = false

  constructor (readonly root: string, private readonly rescanMs: number) { super() }

  async start (watchTree = true): Promise<void> {
    await this.rescan()
    if (watchTree) this.watch()
    if (this.rescanMs > 0) {
      this.rescanTimer = setInterval(() => { void this.rescan() }, this.rescanMs)
      this.rescanTimer.unref()
    }
  }

  async close (): Promise<void> {
    clearInterval(this.rescanTimer)
    await this.watcher?.close()
  }

  get (path: string): AssetEntry | undefined { return this.entries.get(path) }

  /** Absolute path of an asset's sidecar. */
  sidecarOf (path: string): string { return join(this.root, path + '.json') }

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
    const names = new Set(dirents.map((d) => d.name))
    const work: Promise<void>[] = []
    for (const d of dirents) {
      if (isIgnoredName(d.name)) continue
      const abs = join(dir, d.name)
      if (d.isDirectory()) {
        work.push(this.walk(abs, seen))
      } else if (d.name.endsWith('.json') && !(dir === this.root && d.name === PROJECT_FILE)) {
        const path = toPosix(relative(this.root, abs)).slice(0, -'.json'.length)
        seen.add(path)
        work.push(this.refresh(path, names.has(d.name.slice(0, -'.json'.length))))
      }
    }
    await Promise.all(work)
  }

  /**
   * Re-reads one asset when its sidecar or file changed on disk (cheap when nothing did: a stat).
   * `fileKnown` skips a stat when the caller already listed the folder.
   */
  async refresh (path: string, fileKnown?: boolean): Promise<void> {
    const sidecar = this.sidecarOf(path)
    let sidecarStat
    try {
      sidecarStat = await stat(sidecar)
    } catch {
      if (this.entries.delete(path)) this.changed(path)
      return
    }
    const file = await this.fileInfo(path, fileKnown)
    const old = this.entries.get(path)
    const sidecarSame = old && old.sidecarMtimeMs === sidecarStat.mtimeMs && old.sidecarSize === sidecarStat.size
    const fileSame = old && sameFile(old.file, file)
    if (sidecarSame && fileSame) return
    const entry: AssetEntry = sidecarSame
      ? { ...old, file }
      : { path, file, sidecarMtimeMs: sidecarStat.mtimeMs, sidecarSize: sidecarStat.size, ...await readSidecar(sidecar) }
    this.entries.set(path, entry)
    this.changed(path)
  }

  private async fileInfo (path: string, fileKnown?: boolean): Promise<FileInfo | null> {
    if (fileKnown === false) return extname(path) ? { exists: false } : null
    try {
      const s = await stat(join(this.root, path))
      if (!s.isFile()) return null
      return { exists: true, size: s.size, modified: s.mtime.toISOString(), mtimeMs: s.mtimeMs }
    } catch {
      // No file: a file-less asset when the path has no extension, otherwise a missing file.
      return extname(path) ? { exists: false } : null
    }
  }

  /** Records what this process just wrote, so the reply does not wait for the watcher. */
  async noteWritten (path: string): Promise<void> { await this.refresh(path) }

  private watch (): void {
    this.watcher = watch(this.root, {
      ignoreInitial: true,
      ignored: (p) => toPosix(relative(this.root, p)).split('/').some((part) => part !== '' && isIgnoredName(part)),
    })
    const onPath = (abs: string) => {
      const rel = toPosix(relative(this.root, abs))
      if (rel === PROJECT_FILE) { this.version++; this.emit('project-file'); return }
      if (rel.endsWith('.json')) void this.refresh(rel.slice(0, -'.json'.length))
      else if (this.entries.has(rel)) void this.refresh(rel)
    }
    this.watcher.on('add', onPath).on('change', onPath).on('unlink', onPath)
    this.watcher.on('unlinkDir', (abs) => {
      const prefix = toPosix(relative(this.root, abs)) + '/'
      for (const path of [...this.entries.keys()]) {
        if (path.startsWith(prefix)) { this.entries.delete(path); this.changed(path) }
      }
    })
    this.watcher.on('addDir', () => { void this.rescan() })
    this.watcher.on('error', (err) => this.emit('watch-error', err))
  }
}

function sameFile (a: FileInfo | null, b: FileInfo | null): boolean {
  if (a === null || b === null) return a === b
  return a.exists === b.exists && a.size === b.size && a.mtimeMs === b.mtimeMs
}

/** Parses and validates one sidecar; a bad one becomes a broken entry with the reason. */
export async function readSidecar (file: string): Promise<{ meta?: Asset, broken?: string }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    return { broken: `The sidecar cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).` }
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { broken: `The sidecar is not valid JSON (${(err as Error).message}). Fix or restore the file; RFAM will not overwrite it.` }
  }
  const problem = validator().check('asset.schema.json', data)
  if (problem) return { broken: `The sidecar does not match the asset format: ${problem}.` }
  return { meta: data as Asset }
}
