// A frame a node says it wrote counts only when its file is on the share, so a completed job
// always has its files and a node cannot make up frames (issue 11, item 5). The node names the
// file of each frame; the server checks that the name is that frame's file under the job's output
// (Blender's naming: the last run of '#' is the frame number; a video is one movie named for its
// range), and that the file is a regular file, not empty, written after the task was handed out.
// One lstat per file, asynchronous; the output folder is resolved once per job.
import { lstat, readdir } from 'node:fs/promises'
import { join, posix } from 'node:path'
import type { FarmReport, Job, Task } from '../../schemas/generated/types.ts'

/** Clocks of the server, the nodes and the file server differ a little (keep them in step: NTP). */
export const CLOCK_SKEW_MS = 5000

type Frame = FarmReport['frames'][number]

export interface FrameCheck {
  /** Frames whose files are there. */
  counted: Frame[]
  /** Frames that do not count, with why (a sentence for people). */
  refused: Array<{ frame: number, why: string }>
}

const EXTENSION = /^\.[A-Za-z][A-Za-z0-9]{0,9}$/
const LAST_HASHES = /#+(?!.*#)/
/** A stereo view's suffix (_L, _R) and the format's extension; other multi-view suffixes are not known here. */
const VIEW_FILE = /^_[LR]\.[A-Za-z][A-Za-z0-9]{0,9}$/

/** Blender's frame numbers: zero-padded to the width of the '#' run, the sign in front. */
function pad (frame: number, width: number): string {
  return `${frame < 0 ? '-' : ''}${String(Math.abs(frame)).padStart(width, '0')}`
}

/** The file name with its last run of '#' filled in (four digits appended when it has none, as Blender does). */
function fill (pattern: string, digits: (width: number) => string): string {
  const m = LAST_HASHES.exec(pattern)
  if (!m) return pattern + digits(4)
  return pattern.slice(0, m.index) + digits(m[0].length) + pattern.slice(m.index + m[0].length)
}

const withoutExtension = (name: string): string | null => {
  const dot = name.lastIndexOf('.')
  return dot > 0 && EXTENSION.test(name.slice(dot)) ? name.slice(0, dot) : null
}

/**
 * Whether `name` is the file Blender writes for this stem: the stem with the format's extension,
 * or, when the stem ends in another image extension already, that one replaced.
 */
export function isFileOf (name: string, stem: string): boolean {
  if (name === stem) return true
  if (name.startsWith(stem) && EXTENSION.test(name.slice(stem.length))) return true
  // Stereo saved as one file per eye: Blender adds the view's suffix, 0001_L.png and 0001_R.png.
  if (name.startsWith(stem) && VIEW_FILE.test(name.slice(stem.length))) return true
  const bare = withoutExtension(stem)
  return bare !== null && withoutExtension(name) === bare
}

/** The file name (no folder) Blender gives a frame of this output pattern, without the extension. */
export function frameStem (pattern: string, frame: number): string {
  return fill(posix.basename(pattern), (w) => pad(frame, w))
}

/**
 * Whether `name` is the movie of a video task: '<start>-<end>' in place of the '#' run, where the
 * run started at one of the task's frames and ends at its last; or the pattern itself when it ends
 * in the container's extension (Blender then leaves it as it is).
 */
export function isMovieOf (name: string, pattern: string, task: Task): boolean {
  const base = posix.basename(pattern)
  if (name === base && withoutExtension(base) !== null) return true
  const last = task.frames[task.frames.length - 1]!
  const m = LAST_HASHES.exec(base)
  const width = m ? m[0].length : 4
  const head = m ? base.slice(0, m.index) : base
  const tail = m ? base.slice(m.index + width) : ''
  const end = `-${pad(last, width)}${tail}`
  if (!name.startsWith(head)) return false
  const rest = name.slice(head.length)
  const at = rest.indexOf(end)
  if (at <= 0) return false
  const start = rest.slice(0, at)
  const after = rest.slice(at + end.length)
  return (after === '' || EXTENSION.test(after)) && /^-?\d+$/.test(start) && pad(Number(start), width) === start && task.frames.includes(Number(start))
}

/** Why a file does not hold a frame written after `since` (ms), or null when it does. */
async function fileProblem (abs: string, shown: string, since: number): Promise<string | null> {
  try {
    // lstat: a link is not a frame Blender wrote (it could point anywhere).
    const st = await lstat(abs)
    if (!st.isFile()) return `${shown} is not a file`
    if (st.size === 0) return `${shown} is empty`
    if (st.mtimeMs < since) return `${shown} is older than the task (written ${Math.round((since + CLOCK_SKEW_MS - st.mtimeMs) / 1000)} s before it was handed out; if it was just rendered, set the clocks of the server, the nodes and the file server right: NTP)`
    return null
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? `${shown} does not exist` : `${shown} cannot be read (${code ?? (err as Error).message})`
  }
}

/** Checks frames against the share; keeps each job's output folder. */
export class FrameFiles {
  private readonly dirs = new Map<string, { dir: string, shown: string }>()

  /**
   * `resolve` gives the absolute path of a named path; `shown` the path people see for a file of
   * the job (inside its project).
   */
  constructor (private readonly resolve: (named: string) => string, private readonly shown: (job: Job, named: string) => string) {}

  /** The frames (each of one of these tasks) whose files are on the share, and the others with why. */
  async check (job: Job, taskOf: (frame: number) => Task, frames: Frame[]): Promise<FrameCheck> {
    if (frames.length === 0) return { counted: frames, refused: [] }
    const output = outputOf(job)
    const out = this.folder(job, output)
    // One look per file: the frames of a video share one movie.
    const looks = new Map<string, Promise<string | null>>()
    const problems = await Promise.all(frames.map((f) => {
      const task = taskOf(f.frame)
      if (f.file === undefined) return `the node did not name frame ${f.frame}'s file (a render node older than the server: update it)`
      const ours = job.video ? isMovieOf(f.file, output, task) : isFileOf(f.file, frameStem(output, f.frame))
      if (!ours) return `"${f.file}" is not the file of frame ${f.frame}`
      const since = (Date.parse(task.assignedAt ?? '') || 0) - CLOCK_SKEW_MS
      const key = `${f.file}\n${since}`
      let look = looks.get(key)
      if (!look) looks.set(key, look = fileProblem(join(out.dir, f.file), `${out.shown}/${f.file}`, since))
      return look
    }))
    const result: FrameCheck = { counted: [], refused: [] }
    frames.forEach((f, i) => {
      const why = problems[i]
      if (why) result.refused.push({ frame: f.frame, why })
      else result.counted.push(f)
    })
    return result
  }

  /**
   * Which of these frames have their file on the share, looked for by name in the output folder:
   * frames no node reported (or whose report was lost), as after a journal line that could not be
   * read. The same checks as for a reported frame; one listing of the folder, one look per file.
   */
  async find (job: Job, taskOf: (frame: number) => Task, frames: number[]): Promise<number[]> {
    if (frames.length === 0) return []
    const output = outputOf(job)
    let names: string[]
    try {
      names = await readdir(this.folder(job, output).dir)
    } catch {
      return []
    }
    const candidates: Frame[] = []
    if (job.video) {
      for (const frame of frames) for (const file of names) if (isMovieOf(file, output, taskOf(frame))) candidates.push({ frame, seconds: 0, file })
    } else {
      // By name without extension: a frame's file is its stem with the format's extension.
      const byStem = new Map<string, string[]>()
      for (const file of names) {
        const bare = withoutExtension(file) ?? file
        // An eye's file (0001_L.png) is found by its frame's stem too.
        for (const key of new Set([bare, bare.replace(/_[LR]$/, '')])) {
          const list = byStem.get(key)
          if (list) list.push(file)
          else byStem.set(key, [file])
        }
      }
      for (const frame of frames) {
        const stem = frameStem(output, frame)
        const seen = new Set<string>()
        for (const key of [stem, withoutExtension(stem) ?? stem]) {
          for (const file of byStem.get(key) ?? []) {
            if (seen.has(file) || !isFileOf(file, stem)) continue
            seen.add(file)
            candidates.push({ frame, seconds: 0, file })
          }
        }
      }
    }
    const { counted } = await this.check(job, taskOf, candidates)
    return [...new Set(counted.map((f) => f.frame))].sort((a, b) => a - b)
  }

  /** Forgets a removed job. */
  forget (id: string): void { this.dirs.delete(id) }

  private folder (job: Job, output: string): { dir: string, shown: string } {
    let hit = this.dirs.get(job.id)
    if (!hit) {
      const named = posix.dirname(output)
      this.dirs.set(job.id, hit = { dir: this.resolve(named), shown: this.shown(job, named) })
    }
    return hit
  }
}

/** The job's output pattern (jobs from before outputs were stored render beside the file). */
export function outputOf (job: Job): string {
  return job.output ?? job.file.replace(/[^/]*$/, 'renders/####')
}

/**
 * The file of one frame of a job (a named path), looked for by name in its output folder; null when
 * it is not there (not rendered yet, deleted since) or the job renders a video (no file per frame).
 */
export async function findFrameFile (resolve: (named: string) => string, job: Job, frame: number): Promise<string | null> {
  if (job.video) return null
  const output = outputOf(job)
  const folder = posix.dirname(output)
  const stem = frameStem(output, frame)
  let names: string[]
  try {
    names = await readdir(resolve(folder))
  } catch {
    return null
  }
  for (const name of names.filter((n) => isFileOf(n, stem)).sort()) {
    const st = await lstat(join(resolve(folder), name)).catch(() => undefined)
    if (st?.isFile() && st.size > 0) return `${folder}/${name}`
  }
  return null
}
