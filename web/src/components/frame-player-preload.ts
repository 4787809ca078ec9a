// The frames viewer's preloader: fetches and decodes pictures ahead of the play head (a few at a
// time, off the main thread with createImageBitmap, scaled to the size they are drawn at), keeps a
// window around it and lets go of the rest, so 250 full-HD frames play without holding them all.
// A frame that cannot be had says why (the server's sentence), once, and is not asked for again.
import { tSentence } from '../controllers/i18n.ts'
import type { TimelineFrame } from './frame-player-timeline.ts'

/** Frames kept decoded ahead of the play head (3 s at 24 fps), and behind it (for stepping back). */
export const AHEAD = 72
export const BEHIND = 12
/** Pictures fetched and decoded at once. */
const AT_ONCE = 4

export class Preloader {
  private readonly bitmaps = new Map<number, ImageBitmap>()
  private readonly failed = new Map<number, string>()
  private readonly loading = new Map<number, AbortController>()
  private frames: TimelineFrame[] = []
  private center = 0
  /** Width pictures are decoded at (device pixels of the picture area); 0: as they are. */
  width = 0

  constructor (private readonly changed: (i: number) => void) {}

  /** A new timeline: everything loaded goes. */
  setFrames (frames: TimelineFrame[]): void {
    this.clear()
    this.frames = frames
  }

  get (i: number): ImageBitmap | undefined { return this.bitmaps.get(i) }
  /** Why frame i cannot be shown, when it was asked for and refused. */
  failure (i: number): string | undefined { return this.failed.get(i) }
  /** Whether frame i can be shown: decoded, or it has nothing to wait for (no picture, or refused). */
  ready (i: number): boolean {
    const f = this.frames[i]
    return !f || !f.url || this.bitmaps.has(i) || this.failed.has(i)
  }

  /** How many frames from i on are ready (up to `most`). */
  readyAhead (i: number, most: number): number {
    let n = 0
    while (n < most && i + n < this.frames.length && this.ready(i + n)) n++
    return n
  }

  /** The play head is at i: load what is missing around it (ahead first, then behind), let go of the rest. */
  around (i: number, ahead = AHEAD): void {
    this.center = i
    const wanted: number[] = []
    const n = this.frames.length
    for (let k = 0; k <= ahead && k < n; k++) wanted.push((i + k) % n)
    for (let k = 1; k <= BEHIND && i - k >= 0; k++) wanted.push(i - k)
    const keep = new Set(wanted)
    for (const [j, bitmap] of this.bitmaps) if (!keep.has(j)) { bitmap.close(); this.bitmaps.delete(j) }
    for (const [j, controller] of this.loading) if (!keep.has(j)) { controller.abort(); this.loading.delete(j) }
    // The picture at the play head alone while it is not there yet: it is the one on screen first.
    const most = this.ready(i) ? AT_ONCE : 1
    for (const j of wanted) {
      if (this.loading.size >= most) break
      if (!this.ready(j) && !this.loading.has(j)) void this.load(j)
    }
  }

  /** Frame i changed (rendered since, rendered again): what was loaded of it goes. */
  forget (i: number): void {
    this.bitmaps.get(i)?.close()
    this.bitmaps.delete(i)
    this.loading.get(i)?.abort()
    this.loading.delete(i)
    this.failed.delete(i)
  }

  clear (): void {
    for (const b of this.bitmaps.values()) b.close()
    for (const c of this.loading.values()) c.abort()
    this.bitmaps.clear()
    this.loading.clear()
    this.failed.clear()
  }

  private async load (i: number): Promise<void> {
    const frame = this.frames[i]!
    const controller = new AbortController()
    this.loading.set(i, controller)
    try {
      const response = await fetch(frame.url!, { credentials: 'same-origin', signal: controller.signal })
      if (!response.ok) {
        const body = await response.json().catch(() => undefined) as { message?: string, sentence?: Parameters<typeof tSentence>[0] } | undefined
        this.failed.set(i, tSentence(body?.sentence, body?.message ?? String(response.status)))
      } else {
        const blob = await response.blob()
        const bitmap = await createImageBitmap(blob, this.width > 0 ? { resizeWidth: this.width, resizeQuality: 'medium' } : {})
        if (this.loading.get(i) === controller && this.frames[i] === frame) this.bitmaps.set(i, bitmap)
        else bitmap.close()
      }
    } catch (error) {
      if (controller.signal.aborted) return
      // A file that is not a picture after all (the browser cannot decode it).
      this.failed.set(i, (error as Error).name === 'InvalidStateError' || (error as Error).name === 'EncodingError' ? 'undecodable' : 'network')
    } finally {
      if (this.loading.get(i) === controller) this.loading.delete(i)
    }
    if (this.frames[i] !== frame) return
    this.changed(i)
    this.around(this.center)
  }
}
