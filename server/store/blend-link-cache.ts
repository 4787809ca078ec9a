// What each .blend links, what its scene renders (render-settings.ts) and whether it holds a
// thumbnail, kept by file identity (device, inode, size, modification time): a file is
// read once while it stays unchanged, and hard links of it are read once for all. Given a file, the
// cache also survives restarts: loaded in one read at start, written atomically a few seconds after
// the last new reading (and at close), holding only identities that some project still has. An
// entry is only ever used for a file whose identity still matches, so a missing, broken or old
// cache file costs reading again, never wrong links.
import { readFile, stat } from 'node:fs/promises'
import type { BlendLinkCache as BlendLinkCacheFile, RenderSettings } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { BLEND_READER_VERSION, readBlendInfo } from '../blend/read-blend-links.ts'
import { fileIdentity } from './asset-index.ts'
import { writeFileAtomic } from '../../common/atomic-write.ts'

/** The cache file's name inside the server's cache folder. */
export const LINK_CACHE_FILE = 'blend-links.json'
const FORMAT = 1

export interface BlendLinkCacheOptions {
  /** Where the cache is kept across restarts; without a file it lives in memory only. */
  file?: string
  /** Identities of every file some project holds now; undefined while that is not known yet. */
  live?: () => Set<string> | undefined
  /** Reads what the cache keeps of a file (the .blend reader by default). */
  read?: (abs: string) => Promise<BlendFacts>
  /** Where problems with the cache file go (once each): fields, then a short message. */
  log?: (fields: object, msg: string) => void
  /** The file is written this long after the last new reading... */
  saveDelayMs?: number
  /** ...and at the latest this long after the first unsaved one, so a long first reading survives a crash. */
  saveMaxDelayMs?: number
}

/** What the cache keeps of one .blend. */
export interface BlendFacts {
  libraries: string[]
  /** What its current scene renders; null: no scene. */
  render: RenderSettings | null
  /** It holds a thumbnail the server shows (server/blend/thumbnail.ts). */
  thumbnail: boolean
}

const readFacts = async (abs: string): Promise<BlendFacts> => {
  const { libraries, render, thumbnail } = await readBlendInfo(abs)
  return { libraries, render, thumbnail: thumbnail !== null }
}
const identityOf = (abs: string) => stat(abs).then(fileIdentity, () => undefined)

export class BlendLinkCache {
  /** Files read from disk so far; everything else came from the cache. */
  reads = 0
  private readonly entries = new Map<string, BlendFacts>()
  /** When the first change not yet written was made. */
  private dirtySince?: number
  private timer?: NodeJS.Timeout
  private saving: Promise<void> = Promise.resolve()
  private closed = false
  private writeFailed = false

  constructor (private readonly options: BlendLinkCacheOptions = {}) {}

  get size (): number { return this.entries.size }

  /** The libraries of the file of this identity when they are known (no promise, no reading). */
  known (identity: string): string[] | undefined { return this.entries.get(identity)?.libraries }

  /** All that is known of the file of this identity, when it is (no promise, no reading). */
  knownFacts (identity: string): BlendFacts | undefined { return this.entries.get(identity) }

  /** The libraries a file links: from the cache when its identity is known, read from it otherwise. */
  async libraries (abs: string, identity?: string): Promise<string[]> {
    return (await this.facts(abs, identity)).libraries
  }

  /**
   * What the cache keeps of a file (its libraries and render settings): from the cache when its
   * identity is known, read from it otherwise. Throws the reader's BlendFileError for a file that is
   * no .blend.
   */
  async facts (abs: string, identity?: string): Promise<BlendFacts> {
    const key = identity ?? await identityOf(abs)
    const cached = key === undefined ? undefined : this.entries.get(key)
    if (cached) return cached
    this.reads++
    const facts = await (this.options.read ?? readFacts)(abs)
    // Kept only when the file is still the one the identity names: one saved while it was being read
    // is read again under its new identity.
    if (key !== undefined && await identityOf(abs) === key) {
      this.entries.set(key, facts)
      this.changed()
    }
    return facts
  }

  /** Loads the cache file (one read). Anything wrong with it is logged once and it is replaced. */
  async load (): Promise<void> {
    const file = this.options.file
    if (!file) return
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.discard(`cannot be read (${code ?? String(err)})`)
      return
    }
    let data: unknown
    try { data = JSON.parse(text) } catch { return this.discard('is not JSON') }
    const format = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as { format?: unknown }).format : undefined
    if (format !== undefined && format !== FORMAT) return this.discard(`is of format ${JSON.stringify(format)}; this server writes format ${FORMAT}`)
    const problem = validator().check('blend-link-cache.schema.json', data)
    // A file of 10,000 bad entries would give 10,000 reasons: the first few say enough.
    if (problem) return this.discard(`is not a cache of links: ${problem.length > 300 ? `${problem.slice(0, 300)}…` : problem}`)
    const doc = data as BlendLinkCacheFile
    if (doc.reader !== BLEND_READER_VERSION) return this.discard(`was made by .blend reader ${doc.reader}; this server's reader is ${BLEND_READER_VERSION}`)
    // An entry of a cache written before render settings or thumbnails were read is read again.
    for (const f of doc.files) {
      if (f.render !== undefined && f.thumbnail !== undefined) this.entries.set(f.identity, { libraries: f.libraries, render: f.render, thumbnail: f.thumbnail })
    }
  }

  private discard (why: string): void {
    this.log({ file: this.options.file, reason: why }, 'damaged link cache: every .blend file is read again and the file replaced')
    this.changed()
  }

  /** Drops what is known of files no project holds any more (deleted, or changed since). */
  sweep (): void {
    const live = this.options.live?.()
    if (!live) return
    let dropped = false
    for (const identity of this.entries.keys()) {
      if (!live.has(identity)) { this.entries.delete(identity); dropped = true }
    }
    if (dropped) this.changed()
  }

  /** Writes the cache now if anything changed (after a write under way). */
  save (): Promise<void> {
    this.saving = this.saving.then(() => this.write())
    return this.saving
  }

  /** Writes what is unsaved; later readings stay in memory only. */
  async close (): Promise<void> {
    this.closed = true
    await this.save()
  }

  /** Debounced: the file is written a few seconds after the last change, not after every reading. */
  private changed (): void {
    if (!this.options.file || this.closed) return
    const now = Date.now()
    this.dirtySince ??= now
    clearTimeout(this.timer)
    const delay = Math.min(this.options.saveDelayMs ?? 3_000, this.dirtySince + (this.options.saveMaxDelayMs ?? 30_000) - now)
    this.timer = setTimeout(() => { void this.save() }, Math.max(0, delay))
    this.timer.unref()
  }

  private async write (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const file = this.options.file
    if (this.dirtySince === undefined || !file) return
    this.dirtySince = undefined
    const live = this.options.live?.()
    const lines: string[] = []
    for (const [identity, { libraries, render, thumbnail }] of this.entries) {
      if (live && !live.has(identity)) this.entries.delete(identity)
      else lines.push(JSON.stringify({ identity, libraries, render, thumbnail }))
    }
    // One entry per line, for people who look at it.
    const head = JSON.stringify({ format: FORMAT, reader: BLEND_READER_VERSION }).slice(0, -1)
    const text = `${head},"files":[${lines.length ? `\n${lines.join(',\n')}\n` : ''}]}\n`
    try {
      await writeFileAtomic(file, text)
      this.writeFailed = false
    } catch (err) {
      if (!this.writeFailed) this.log({ file, code: (err as NodeJS.ErrnoException).code ?? String(err) }, 'cannot write the link cache: after a restart every .blend file is read again')
      this.writeFailed = true
    }
  }

  private log (fields: object, msg: string): void { (this.options.log ?? ((f, m) => console.warn(m, f)))(fields, msg) }
}
