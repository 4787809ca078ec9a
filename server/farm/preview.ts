// Keeps a small picture of each job's latest frame (<farm>/previews/<job>.jpg), made from the
// frame the node just wrote, or from the picture the node made of it when sharp and browsers cannot
// read the output (a JPEG of an EXR …, a PNG of a movie frame: see node/blender/rfam_preview.py).
// Work is coalesced per job: only the newest frame of a burst is converted.
import { mkdir, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDone, tempPathFor } from '../../common/temp-files.ts'

export const PREVIEW_EVERY_MS = 3000

export class PreviewMaker {
  readonly dir: string
  private readonly wanted = new Map<string, string>()
  private readonly busy = new Set<string>()
  private readonly warned = new Set<string>()
  private readonly last = new Map<string, number>()

  constructor (farmDir: string, private readonly log: { warn: (fields: object, msg: string) => void }, private readonly onMade?: (job: string) => void) {
    this.dir = join(farmDir, 'previews')
  }

  pathOf (job: string): string { return join(this.dir, `${job}.jpg`) }

  /** Asks for a preview of this frame file (absolute path); returns at once. */
  request (job: string, file: string): void {
    this.wanted.set(job, file)
    if (this.busy.has(job)) return
    // At most one picture per job every few seconds: the newest frame wins.
    const wait = (this.last.get(job) ?? 0) + PREVIEW_EVERY_MS - Date.now()
    this.busy.add(job)
    if (wait > 0) setTimeout(() => { void this.work(job) }, wait).unref()
    else void this.work(job)
  }

  private async work (job: string): Promise<void> {
    this.busy.add(job)
    this.last.set(job, Date.now())
    try {
      await mkdir(this.dir, { recursive: true })
      for (let file = this.wanted.get(job); file !== undefined; file = this.wanted.get(job)) {
        this.wanted.delete(job)
        const temp = tempPathFor(this.pathOf(job))
        try {
          // Loaded on first use: sharp takes a while to load and most servers start without a job.
          const sharp = (await import('sharp')).default
          await sharp(file, { failOn: 'none' }).resize(640, 640, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#202020' }).jpeg({ quality: 80 }).toFile(temp)
          await rename(temp, this.pathOf(job))
          this.onMade?.(job)
        } catch (err) {
          await unlink(temp).catch(() => {})
          if (!this.warned.has(job)) this.log.warn({ job, file, err }, 'no preview made of a frame')
          this.warned.add(job)
        } finally {
          tempDone(temp)
        }
      }
    } finally {
      this.busy.delete(job)
    }
  }

  async remove (job: string): Promise<void> {
    this.wanted.delete(job)
    this.warned.delete(job)
    this.last.delete(job)
    await unlink(this.pathOf(job)).catch(() => {})
  }
}
