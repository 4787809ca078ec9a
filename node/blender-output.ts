// Reads Blender's output line by line: which frame it renders, the peak memory it reports
// ('Fra:12 Mem:310.5M (Peak 402.1M) | …'), each frame written (our 'RFAM_WRITTEN <frame> <path>'
// line), previews made of it ('RFAM_PREVIEW <path>'), its 'Error:' lines, a refusal by the path
// check ('RFAM_REFUSED <sentence>'), the files the loaded .blend uses that are not there
// ('RFAM_MISSING <json>'), and the last lines for a failure report.
import type { MissingPieces } from '../schemas/generated/types.ts'
import { say, type Said } from '../common/sentences.ts'

export interface WrittenFrame {
  frame: number
  file: string
  /** From the previous frame written (or the start of the first frame, after loading) to this one, measured by Blender. */
  seconds: number
  memoryMB?: number
}

const FRA = /^Fra:(-?\d+)\b/
const PEAK = /\(Peak ([\d.]+)([KMG])\)/
const WRITTEN = /^RFAM_WRITTEN (-?\d+) ([\d.]+) (.*)$/
const PREVIEW = /^RFAM_PREVIEW (.+)$/
const REFUSED = /^RFAM_REFUSED (.+)$/
const MISSING = /^RFAM_MISSING (\[.*\])$/
const TAIL_LINES = 50

export class BlenderOutput {
  /** Frame being rendered, from the latest 'Fra:' line. */
  current: number | null = null
  /** The latest JPEG made of a frame whose format a browser cannot show ('RFAM_PREVIEW <path>'). */
  preview: string | null = null
  readonly errors: string[] = []
  /** Why the file was refused before rendering (the path check's sentence), if it was. */
  refused: string | null = null
  /** Files the loaded .blend uses that Blender did not find (cleared when the file is loaded again). */
  missing: MissingPieces = []
  private readonly lines: string[] = []
  private peak: number | undefined

  /** Feeds one line; returns the frame it says was written, if any. */
  line (text: string): WrittenFrame | null {
    this.remember(text)
    const fra = FRA.exec(text)
    if (fra) {
      this.current = Number(fra[1])
      const peak = PEAK.exec(text)
      if (peak) {
        const mb = Number(peak[1]) * (peak[2] === 'G' ? 1024 : peak[2] === 'K' ? 1 / 1024 : 1)
        if (this.peak === undefined || mb > this.peak) this.peak = mb
      }
      return null
    }
    if (text.startsWith('Error:') || /^Error /.test(text)) this.errors.push(text.trim())
    const refused = REFUSED.exec(text)
    if (refused) this.refused = refused[1]!.trim()
    const missing = MISSING.exec(text)
    if (missing) this.missing = missingPieces(missing[1]!)
    const preview = PREVIEW.exec(text)
    if (preview) this.preview = preview[1]!.trim()
    const written = WRITTEN.exec(text)
    if (!written) return null
    const out: WrittenFrame = { frame: Number(written[1]), file: written[3]!.trim(), seconds: Number(written[2]) }
    if (this.peak !== undefined) out.memoryMB = Math.round(this.peak * 100) / 100
    this.peak = undefined
    return out
  }

  /** Keeps the last lines, folding runs of progress lines into their last one. */
  private remember (text: string): void {
    const last = this.lines[this.lines.length - 1]
    if (last !== undefined && FRA.test(last) && FRA.test(text)) this.lines[this.lines.length - 1] = text
    else this.lines.push(text)
    if (this.lines.length > TAIL_LINES) this.lines.shift()
  }

  tail (): string {
    return this.lines.join('\n')
  }
}

/** The pieces a 'RFAM_MISSING' line lists, kept to the protocol's bounds; nothing for a line that is not such a list. */
export function missingPieces (json: string): MissingPieces {
  let list: unknown
  try { list = JSON.parse(json) } catch { return [] }
  if (!Array.isArray(list)) return []
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '')
  const kinds = new Set(['library', 'image', 'movie clip', 'sound', 'font', 'cache file', 'volume', 'file'])
  return list.slice(0, 100).flatMap((p: { kind?: unknown, path?: unknown, users?: unknown }) => {
    const path = text(p?.path, 4096)
    if (!path || !kinds.has(p.kind as string)) return []
    const users = Array.isArray(p.users) ? p.users.slice(0, 10).map((u) => text(u, 200)).filter(Boolean) : []
    return [{ kind: p.kind as MissingPieces[number]['kind'], path, users }]
  })
}

/** The `missing` field of a report, done or failed: what the run's Blender did not find, when anything. */
export function missingField (output: BlenderOutput | undefined): { missing?: MissingPieces } {
  return output && output.missing.length > 0 ? { missing: output.missing } : {}
}

/** A sentence a student can act on, from how Blender ended and what it printed. */
/** What is known of a run that ended without every frame. */
export interface FailureFacts { exitCode: number | null, signal: string | null, missing: number[], output: BlenderOutput, blenderVersion?: string }

export function explainFailure (options: FailureFacts): string {
  return failureSentence(options).text
}

/** The failure as a sentence of the language files, so pages show it in their reader's language. */
export function failureSentence (options: FailureFacts): Said {
  const { exitCode, signal, missing, output } = options
  // The path check's sentence says all: what leads out of the project and how to fix it.
  if (output.refused) return say('job:fail-refused', { reason: output.refused })
  const tail = output.tail()
  if (/Build without OpenImageDenoiser|OpenImageDenoise(r)? (is )?not supported/i.test(tail)) {
    return say('job:fail-denoiser', { blender: options.blenderVersion ? ` (${options.blenderVersion})` : '' })
  }
  const error = output.errors[output.errors.length - 1]
  if (signal) {
    const killed = signal === 'SIGKILL'
    return error ? say(killed ? 'job:fail-killed-error' : 'job:fail-signal-error', { signal, error }) : say(killed ? 'job:fail-killed' : 'job:fail-signal', { signal })
  }
  if (exitCode !== 0) return error ? say('job:fail-exit-error', { code: String(exitCode), error }) : say('job:fail-exit', { code: String(exitCode) })
  const frames = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '')
  const one = missing.length === 1
  return error ? say(one ? 'job:fail-no-frame-error' : 'job:fail-no-frames-error', { frames, error }) : say(one ? 'job:fail-no-frame' : 'job:fail-no-frames', { frames })
}
