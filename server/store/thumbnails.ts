// Asset thumbnails: the preview picture Blender stores inside each .blend (server/blend/thumbnail.ts),
// as a PNG. Which files hold one is read with their links, in the background, and kept by file
// identity across restarts (blend-link-cache.ts), so the asset list says which assets have a picture
// (a short tag that changes with the picture, file-facts.ts) without opening a file. The pictures
// themselves are made when a page asks for them, in about a millisecond, and the latest ones are kept
// in memory (a bound in bytes), by file identity too: a saved file is a new identity, so nothing stale
// is sent.
import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { BlendFileError } from '../blend/blend-error.ts'
import { encodePng } from '../blend/png.ts'
import { readBlendThumbnail } from '../blend/thumbnail.ts'
import { fileIdentity } from './asset-index.ts'

/** When this process started, in base 36: the start of every tag it gives a .blend's thumbnail. */
const STARTED = Date.now().toString(36)

/**
 * The tag of a .blend's thumbnail, unique for one asset's path: 'b', when this process started, and
 * how often that path's file changed since (0, 1, …). A URL with it may be kept for good: a change
 * counts up, a restart starts again from a new time. The tags of unchanged files are all alike, which
 * costs the compressed asset list almost nothing (a hash per file would add ~9 bytes each).
 */
export function thumbnailTag (changes: number): string {
  return `b${STARTED}${changes.toString(36)}`
}

/** An ETag for the picture of a file of this identity, when its tag is not known (yet). */
export function identityEtag (identity: string): string {
  return `"i${createHash('sha1').update(identity).digest('base64url').slice(0, 12)}"`
}

export interface ThumbnailPng {
  png: Buffer
  width: number
  height: number
}

/** Pictures kept in memory, at most this many bytes of PNG (a thumbnail of 128 × 128 is a few to 30 kB). */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024

export class ThumbnailCache {
  /** Files read from disk so far; everything else came from memory. */
  reads = 0
  /** By identity, least recently used first; null: the file holds none. */
  private readonly entries = new Map<string, ThumbnailPng | null>()
  private bytes = 0
  /** Readings under way, so two requests for one new file read it once. */
  private readonly pending = new Map<string, Promise<ThumbnailPng | null>>()

  constructor (private readonly maxBytes = DEFAULT_MAX_BYTES, private readonly read = readBlendThumbnail) {}

  /**
   * The thumbnail of the file at `abs` whose identity is `identity`, as a PNG; null when it holds
   * none (or is no .blend at all).
   */
  async png (abs: string, identity: string): Promise<ThumbnailPng | null> {
    const kept = this.entries.get(identity)
    if (kept !== undefined) {
      this.entries.delete(identity)
      this.entries.set(identity, kept) // now the most recently used
      return kept
    }
    let reading = this.pending.get(identity)
    if (!reading) {
      reading = this.make(abs).finally(() => this.pending.delete(identity))
      this.pending.set(identity, reading)
      void reading.then((made) => this.keep(abs, identity, made), () => {})
    }
    return reading
  }

  private async make (abs: string): Promise<ThumbnailPng | null> {
    this.reads++
    try {
      const thumbnail = await this.read(abs)
      return thumbnail && { png: encodePng(thumbnail.width, thumbnail.height, thumbnail.rgba), width: thumbnail.width, height: thumbnail.height }
    } catch (err) {
      if (err instanceof BlendFileError) return null
      throw err
    }
  }

  /** Kept only when the file is still the one the identity names: one saved while it was read is read again. */
  private async keep (abs: string, identity: string, made: ThumbnailPng | null): Promise<void> {
    if (this.entries.has(identity) || await stat(abs).then(fileIdentity, () => undefined) !== identity) return
    const size = made ? made.png.length : 0
    if (size > this.maxBytes) return
    this.entries.set(identity, made)
    this.bytes += size
    for (const [old, png] of this.entries) {
      if (this.bytes <= this.maxBytes && this.entries.size <= 100_000) break
      this.entries.delete(old)
      this.bytes -= png ? png.png.length : 0
    }
  }

  /** Bytes of PNG kept in memory now. */
  get size (): number { return this.bytes }
}
