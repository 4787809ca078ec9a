// Writes render times and peak memory back into the asset's sidecar (renderStats), so students
// see which files are slow. Samples are gathered per asset and written about once a second, under
// the sidecar's lock, through the callback the server provides.
import type { Asset, RenderSample } from '../../schemas/generated/types.ts'

export type UpdateAsset = (project: string, path: string, change: (asset: Asset) => Asset) => Promise<void>

/** Samples kept per frame: the latest few are enough for mean, fastest, slowest and trends. */
export const SAMPLES_PER_FRAME = 5

interface Pending { frames: Map<number, RenderSample[]>, video: RenderSample[] }

export class RenderStatsWriter {
  private readonly pending = new Map<string, Pending>()
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()

  constructor (
    private readonly update: UpdateAsset | undefined,
    private readonly log: { warn: (fields: object, msg: string) => void },
    private readonly delayMs = 1000
  ) {}

  private entry (project: string, path: string): Pending {
    const key = `${project}\0${path}`
    let p = this.pending.get(key)
    if (!p) this.pending.set(key, p = { frames: new Map(), video: [] })
    this.timer ??= setTimeout(() => { this.timer = null; void this.flush() }, this.delayMs)
    return p
  }

  frame (project: string, path: string, frame: number, sample: RenderSample): void {
    if (!this.update) return
    const p = this.entry(project, path)
    const list = p.frames.get(frame) ?? []
    list.push(sample)
    p.frames.set(frame, list)
  }

  video (project: string, path: string, sample: RenderSample): void {
    if (!this.update) return
    this.entry(project, path).video.push(sample)
  }

  /** Writes everything gathered so far; resolves when written. */
  flush (): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null }
    const batch = [...this.pending]
    this.pending.clear()
    this.writing = this.writing.then(async () => {
      for (const [key, p] of batch) {
        const [project, path] = key.split('\0') as [string, string]
        try {
          await this.update!(project, path, (asset) => applySamples(asset, p))
        } catch (err) {
          this.log.warn({ project, file: path, err }, 'cannot write render statistics')
        }
      }
    })
    return this.writing
  }
}

function applySamples (asset: Asset, p: Pending): Asset {
  const stats = asset.renderStats ?? {}
  const frames = { ...(stats.frames ?? {}) }
  for (const [frame, samples] of p.frames) frames[String(frame)] = [...(frames[String(frame)] ?? []), ...samples].slice(-SAMPLES_PER_FRAME)
  const video = [...(stats.video ?? []), ...p.video].slice(-SAMPLES_PER_FRAME)
  return { ...asset, renderStats: { frames, video } }
}
