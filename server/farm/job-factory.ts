// Builds a new job from a request: frames from start/end/step, tasks of consecutive frames (one
// task for a video, one task of one frame for a one-frame job), named paths for the file and the
// output. createJob is pure: the caller checks the paths on disk with projectPaths first.
import { posix } from 'node:path'
import type { Job, JobCreate, Task } from '../../schemas/generated/types.ts'
import { badRequest } from '../errors.ts'
import { say, sentenceFields } from '../../common/sentences.ts'
import { checkRelativePath, resolveForWrite, resolveInside } from '../../common/named-paths.ts'
import { chunk, frameList } from './frames.ts'

export interface NewJob {
  id: string
  now: number
  project: string
  /** The project's folder as a named path, e.g. 'data::red'. */
  projectDir: string
  /** The request, its frames filled in from the file where it left them out. */
  body: JobCreate & { frameStart: number, frameEnd: number }
  /** Name when the body has none (the asset's name, or the file name). */
  defaultName?: string
  /** Priority when the body has none (the asset's true priority). */
  defaultPriority?: number
  /** Spread order when the body does not say (the farm's spreadFrames setting). */
  spread?: boolean
  asset?: string
  createdBy?: string
  auto?: boolean
}

/** A path inside the project as a named path: 'data::red' + 'shots/a.blend' -> 'data::red/shots/a.blend'. */
export function insideProject (projectDir: string, rel: string): string {
  const [share, base = ''] = projectDir.split('::')
  const root = base.replace(/\/+$/, '')
  return `${share}::${root ? `${root}/` : ''}${rel}`
}

const PLACE = { place: 'the project' }

/**
 * A project's paths on this machine, checked against the project folder rather than the share: a
 * link from one project into another stays inside the share, but not inside the project.
 */
export function projectPaths (resolveNamedPath: (named: string) => string, projectDir: string) {
  const root = resolveNamedPath(projectDir)
  const prefix = insideProject(projectDir, '')
  const rel = (named: string, what: string) => {
    if (!named.startsWith(prefix)) throw badRequest('RFAM_PATH_OUTSIDE', say('error:not-in-project-folder', { what, path: named }))
    return named.slice(prefix.length)
  }
  return {
    /** A .blend to render (read by nodes): links may lead elsewhere in the project, never out of it. */
    file: (path: string) => resolveInside(root, path, 'file', PLACE),
    /** A job's output pattern (written by nodes): no folder on the way may be a link. */
    output: (named: string) => resolveForWrite(root, rel(named, 'output'), 'output', { ...PLACE, lastMayBeLink: true }),
    /** Any named path inside the project, for reading (a frame to preview). */
    read: (named: string, what = 'file') => resolveInside(root, rel(named, what), what, PLACE),
  }
}

/** Checks a project-relative .blend path and returns it normalised. */
export function checkBlendPath (file: string): string {
  const rel = checkRelativePath(file, 'file')
  if (rel === '') throw badRequest('RFAM_BAD_FILE', say('error:render-needs-file'))
  if (!rel.toLowerCase().endsWith('.blend')) throw badRequest('RFAM_BAD_FILE', say('error:render-not-blend', { file }))
  return rel
}

/**
 * Where a job's frames go unless it says: renders/ plus the file's path in the project without
 * .blend, so two files of one name in different folders (three startup.blend) never share a folder:
 * shots/intro.blend renders into renders/shots/intro/, a file at the top of the project
 * (intro.blend) into renders/intro/, as before.
 */
export function defaultOutput (rel: string): string {
  return `renders/${rel.replace(/\.blend$/i, '')}/####`
}

export function createJob (input: NewJob): Job {
  const { body } = input
  const rel = checkBlendPath(body.file)
  const step = body.frameStep ?? 1
  const frames = frameList(body.frameStart, body.frameEnd, step)
  const video = body.video ?? false
  const chunkSize = body.chunkSize ?? 1
  const outputRel = checkRelativePath(body.output ?? defaultOutput(rel), 'output')
  if (outputRel === '' || outputRel.endsWith('/')) throw badRequest('RFAM_BAD_OUTPUT', say('error:bad-output'))
  const groups = video ? [frames] : chunk(frames, chunkSize)
  const tasks: Task[] = groups.map((f, i): Task => ({ id: `t${i + 1}`, frames: f as Task['frames'], status: 'queued', node: null, attempts: 0 }))
  const created = new Date(input.now).toISOString()
  const job: Job = {
    id: input.id,
    name: body.name ?? input.defaultName ?? posix.basename(rel),
    project: input.project,
    file: insideProject(input.projectDir, rel),
    output: insideProject(input.projectDir, outputRel),
    frameStart: body.frameStart,
    frameEnd: frames[frames.length - 1]!,
    frameStep: step,
    video,
    priority: body.priority ?? input.defaultPriority ?? 0,
    requires: [...(body.requires ?? [])],
    chunkSize: video ? frames.length : chunkSize,
    spread: body.spread ?? input.spread ?? false,
    status: body.paused ? 'paused' : 'queued',
    created,
    updated: created,
    auto: input.auto ?? false,
    seenBy: [],
    blocklist: [],
    tasks,
  }
  if (body.device && body.device !== 'any') job.device = body.device
  if (input.asset !== undefined) job.asset = input.asset
  if (input.createdBy !== undefined) job.createdBy = input.createdBy
  if (body.paused) Object.assign(job, sentenceFields(say('job:msg-created-paused')))
  return job
}
