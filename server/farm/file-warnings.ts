// What spoils a render of a .blend, found before it is sent: the file's own settings (no camera, a
// movie format for a job of frames, a picture format for a video, denoising that some of the farm's
// nodes cannot do) and its linked libraries (missing, or outside the project where no node can reach
// them). Each warning is an English sentence with what to do, plus a code and the values in it, so
// the web UI can say it in the student's language. The render form shows them before Render is
// pressed; the job keeps them (job.warnings), with what nodes report while rendering.
import type { FileWarning, Job, MissingPiece, RenderSettings } from '../../schemas/generated/types.ts'
import { say, type Said } from '../../common/sentences.ts'
import { formatName } from '../../common/output-formats.ts'

export type { FileWarning }

export interface WarningInput {
  /** The file's render settings (null: none could be read: nothing to say about them). */
  render: RenderSettings | null
  /** Linked libraries as stored in the file: those not there, and those outside the project. */
  missing?: string[]
  outside?: string[]
  /** The farm's nodes that said they cannot denoise, out of how many (farm.denoisers()). */
  denoise?: { cannot: number, of: number }
  /** The job's kind: frames or one video; undefined (the render form) gives both kinds, each with its `when`. */
  video?: boolean
}

const MISSING_CODES = new Set<FileWarning['code']>(['missing-library', 'missing-file'])

/** "Cake", "Cake and Plate", "Cake, Plate and Fork": what a missing piece takes out of the picture. */
function names (users: string[]): string {
  const list = users.slice(0, 5)
  return list.length < 2 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`
}

/** What a node found missing when it loaded the file, as the job's (and the asset's) warning. */
export function pieceWarning (piece: MissingPiece): FileWarning {
  const fix = 'Put it back where it was, or in Blender find it again (File > External Data > Find Missing Files), save, and render again.'
  if (piece.kind === 'library') {
    const lost = piece.users.length > 0 ? `${names(piece.users)} ${piece.users.length === 1 ? 'is' : 'are'} not in the picture` : 'what it holds is not in the picture'
    return { code: 'missing-library', path: piece.path, message: `Rendered, but ${piece.path} is missing: ${lost}. ${fix}` }
  }
  const user = piece.users.length > 0 ? ` (used by ${names(piece.users)})` : ''
  return { code: 'missing-file', path: piece.path, message: `Rendered, but the ${piece.kind} ${piece.path}${user} is missing: what uses it looks wrong in the picture, or is not there. ${fix}` }
}

/**
 * Adds what a node found missing to a job's warnings, each file once (the node's sentence replaces
 * one said when the job was sent: it knows what the picture lacks). Returns whether anything changed.
 */
export function addPieces (job: Job, pieces: MissingPiece[]): boolean {
  const warnings = job.warnings ?? []
  let changed = false
  for (const piece of pieces) {
    const w = pieceWarning(piece)
    const at = warnings.findIndex((x) => x.path === w.path && MISSING_CODES.has(x.code))
    if (at >= 0 && warnings[at]!.message === w.message) continue
    if (at >= 0) warnings[at] = w
    else if (warnings.length < 100) warnings.push(w)
    else continue
    changed = true
  }
  if (changed) job.warnings = warnings
  return changed
}

/** The warnings about files that were missing (the ones an asset keeps). */
export function missingWarnings (job: Job): FileWarning[] {
  return (job.warnings ?? []).filter((w) => MISSING_CODES.has(w.code))
}

/** What a job that rendered every frame says: that it did, and what it rendered without. */
export function renderedMessage (job: Job): Said {
  const missing = missingWarnings(job)
  const only = missing[0]
  if (!only) return say('job:msg-completed')
  if (missing.length === 1) return say('job:msg-completed-missing', { path: only.path ?? '' })
  const list = missing.slice(0, 3).map((w) => w.path).join(', ') + (missing.length > 3 ? ', …' : '')
  return say('job:msg-completed-missing-many', { count: missing.length, list })
}

export function fileWarnings (input: WarningInput): FileWarning[] {
  const out: FileWarning[] = []
  const { render } = input
  if (render) {
    if (render.camera === null) {
      out.push({
        code: 'no-camera',
        message: `The scene "${render.scene}" has no camera, so nothing can be rendered: every frame would fail. In Blender, choose a camera in Scene Properties > Camera, save, and send it again.`,
      })
    }
    const format = formatName(render.fileFormat)
    if (render.movie && input.video !== true) {
      out.push({
        code: 'movie-for-frames',
        when: 'frames',
        message: `The file is set to write a movie (${format}), but this job renders separate frames: the farm writes PNG pictures instead. Tick "One video file" for one movie, or set Output Properties > File Format to PNG in Blender.`,
      })
    }
    if (!render.movie && input.video !== false) {
      out.push({
        code: 'picture-for-video',
        when: 'video',
        message: `This job makes one video, but the file writes ${format} pictures: you will get frames, not a movie. In Blender, set Output Properties > File Format to FFmpeg Video and save, or render frames instead.`,
      })
    }
    const denoise = input.denoise
    if (render.denoising && denoise && denoise.cannot > 0) {
      const who = denoise.cannot === denoise.of ? `none of the farm's ${denoise.of} render node${denoise.of === 1 ? '' : 's'} can` : `${denoise.cannot} of the farm's ${denoise.of} render nodes cannot`
      out.push({
        code: 'denoise-unsupported',
        count: denoise.cannot,
        of: denoise.of,
        message: `Denoising is on in this file, but ${who} denoise (their Blender lacks OpenImageDenoise): frames they get fail. In Blender, turn off Render Properties > Sampling > Render > Denoise (and raise the samples a little), then save.`,
      })
    }
  }
  for (const path of input.missing ?? []) {
    out.push({
      code: 'missing-library',
      path,
      message: `The linked library ${path} is missing: what it holds will not be in the picture. Put the file back where it was, or in Blender find it again (File > External Data > Find Missing Files) and save.`,
    })
  }
  for (const path of input.outside ?? []) {
    out.push({
      code: 'library-outside',
      path,
      message: `The linked library ${path} is outside the project, where render nodes cannot reach it: the farm will not render this file. Copy it into the project folder and link it from there.`,
    })
  }
  return out
}
