// The frames viewer's side of a job: where each frame stands (from its task, checked against the
// disk: a frame rendered and deleted since is 'missing', never a picture that is not there) and the
// picture of one frame (the file as it is for PNG/JPEG/WebP, else its proxy: frame-proxies.ts).
// One listing of the output folder per request; nothing is kept in memory, the disk is the truth.
import { readdir, stat } from 'node:fs/promises'
import { join, posix } from 'node:path'
import type { Job, JobFrames } from '../../schemas/generated/types.ts'
import { say } from '../../common/sentences.ts'
import { HttpError, badRequest, notFound } from '../errors.ts'
import { frameStem, isFileOf, isMovieOf, outputOf } from './frame-files.ts'
import { proxyFor, sniffPicture, type Picture } from './frame-proxies.ts'

type FrameState = JobFrames['frames'][number]['state']

/**
 * Where each frame of the job stands by its tasks. A node renders the frames it was given one after
 * the other, so the frame being rendered is the first not yet written of each node's tasks; the
 * others it holds are waiting.
 */
export function taskStates (job: Job): Map<number, FrameState> {
  const states = new Map<number, FrameState>()
  const busy = new Set<string>()
  for (const task of job.tasks) {
    const done = new Set(task.framesDone ?? [])
    for (const frame of task.frames) {
      const node = task.node ?? ''
      let state: FrameState = 'waiting'
      if (task.status === 'completed' || done.has(frame)) state = 'done'
      else if (task.status === 'failed' || task.status === 'cancelled') state = task.status
      else if (task.status === 'active' && !busy.has(node)) state = 'rendering'
      if (state === 'rendering') busy.add(node)
      states.set(frame, state)
    }
  }
  return states
}

/** A frame's file on disk: its absolute path, its name and a version that changes with it. */
interface FrameFile { abs: string, name: string, version: string }

/** The frames of a job in order (start to end by step); a job of a million frames is refused by the factory long before. */
function frameNumbers (job: Job): number[] {
  const out: number[] = []
  for (let f = job.frameStart; f <= job.frameEnd; f += job.frameStep) out.push(f)
  return out
}

export class JobFrameFiles {
  constructor (private readonly resolve: (named: string) => string) {}

  /** The job's frames for the viewer, with `url(frame, version)` the address of a frame's picture. */
  async list (job: Job, url: (frame: number, version: string) => string): Promise<JobFrames> {
    const states = taskStates(job)
    const files = await this.files(job, frameNumbers(job))
    const s = job.settings
    const size = s?.resolution && s.resolutionPercentage ? s.resolution.map((n) => Math.round(n * s.resolutionPercentage! / 100)) : null
    return {
      id: job.id,
      project: job.project,
      name: job.name,
      ...(job.asset ? { asset: job.asset } : {}),
      fps: s?.fps && s.fps > 0 ? s.fps : 24,
      frameStart: job.frameStart,
      frameEnd: job.frameEnd,
      frameStep: job.frameStep,
      ...(size ? { width: size[0]!, height: size[1]! } : {}),
      video: job.video,
      status: job.status,
      frames: frameNumbers(job).map((frame) => {
        const file = files.get(frame)
        let state = states.get(frame) ?? 'waiting'
        // The task says written but the disk has no file: deleted or moved since.
        if (state === 'done' && !file) state = 'missing'
        return { frame, state, url: file && state === 'done' ? url(frame, file.version) : null }
      }),
    }
  }

  /**
   * The picture of one frame: the file itself when a browser shows it, else its proxy (made now if
   * need be). 404 with a sentence for a frame that is not the job's or not on disk; 422 for a file
   * that is not a picture.
   */
  async picture (job: Job, text: string): Promise<Picture & { version: string }> {
    if (!/^-?\d{1,9}$/.test(text)) throw badRequest('RFAM_BAD_FRAME', say('error:frame-not-number', { frame: text.slice(0, 40) }))
    const frame = Number(text)
    if (frame < job.frameStart || frame > job.frameEnd || (frame - job.frameStart) % job.frameStep !== 0) {
      throw notFound('RFAM_NO_FRAME', say('error:frame-not-in-job', { frame, render: job.name, start: job.frameStart, end: job.frameEnd }))
    }
    const file = (await this.files(job, [frame])).get(frame)
    if (!file) {
      const state = taskStates(job).get(frame)
      const key = state === 'rendering' ? 'error:frame-rendering' : state === 'done' ? 'error:frame-gone' : 'error:frame-not-rendered'
      throw notFound('RFAM_NO_FRAME', say(key, { frame, render: job.name }))
    }
    const notPicture = () => new HttpError(422, 'RFAM_NOT_A_PICTURE', say('error:frame-not-picture', { frame, render: job.name, file: file.name }))
    if (!job.video) {
      const type = await sniffPicture(file.abs)
      if (type) return { path: file.abs, type, version: file.version }
    }
    const fps = job.settings?.fps && job.settings.fps > 0 ? job.settings.fps : 24
    const proxy = await proxyFor(file.abs, job.video ? { frame, seconds: (frame - job.frameStart) / fps } : null)
    if (!proxy) throw notPicture()
    return { ...proxy, version: file.version }
  }

  /** The files of these frames that are on disk: one listing of the output folder, one stat per file found. */
  private async files (job: Job, frames: number[]): Promise<Map<number, FrameFile>> {
    const output = outputOf(job)
    const dir = this.resolve(posix.dirname(output))
    let names: string[]
    try {
      names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort()
    } catch {
      return new Map()
    }
    const found = new Map<number, string>()
    if (job.video) {
      const task = job.tasks[0]
      const movie = task && names.find((n) => isMovieOf(n, output, task))
      if (movie) for (const f of frames) found.set(f, movie)
    } else {
      // By stem: names that start with a frame's stem (its number in the pattern) are its candidates.
      const wanted = new Map(frames.map((f) => [frameStem(output, f), f]))
      for (const name of names) {
        const dot = name.lastIndexOf('.')
        const frame = wanted.get(name) ?? wanted.get(dot > 0 ? name.slice(0, dot) : name)
        if (frame !== undefined && !found.has(frame) && isFileOf(name, frameStem(output, frame))) found.set(frame, name)
      }
      // A stem that itself ends in an image extension ('shot_####.png'): the rare case, looked for by the full rule.
      for (const f of frames) {
        if (found.has(f)) continue
        const stem = frameStem(output, f)
        const name = names.find((n) => isFileOf(n, stem))
        if (name) found.set(f, name)
      }
    }
    const out = new Map<number, FrameFile>()
    const looks = new Map<string, Promise<FrameFile | null>>()
    await Promise.all([...found].map(async ([frame, name]) => {
      let look = looks.get(name)
      if (!look) {
        looks.set(name, look = stat(join(dir, name)).then((st) => st.isFile() && st.size > 0
          ? { abs: join(dir, name), name, version: `${Math.round(st.mtimeMs).toString(36)}-${st.size.toString(36)}` }
          : null, () => null))
      }
      const file = await look
      if (file) out.set(frame, file)
    }))
    return out
  }
}
