// A film job (kind 'film'): one task that ffmpeg on a node runs, putting the project's shots
// together into renders/film/<name>.mp4. Its "frames" are the film's frames, 1 to its length, so
// its progress counts like any job's; its file is the project's project.json (the film is made of
// the project, not of one .blend), and it needs a node that has ffmpeg (tag 'ffmpeg').
import type { FilmPlan, Job } from '../../schemas/generated/types.ts'
import { insideProject } from './job-factory.ts'

/** The tag a node provides when it has ffmpeg (node/film-run.ts), and a film job requires. */
export const FFMPEG_TAG = 'ffmpeg'

export interface NewFilmJob {
  id: string
  now: number
  project: string
  projectDir: string
  /** The movie's file name without .mp4. */
  name: string
  plan: FilmPlan
  priority: number
  createdBy?: string
}

/** How many frames the film has: every shot's frames or its card's. */
export function filmLength (plan: FilmPlan): number {
  return plan.segments.reduce((sum, s) => sum + (s.card ? s.card.frames : (s.files ?? []).length), 0)
}

export function createFilmJob (input: NewFilmJob): Job {
  const frames = Math.max(1, filmLength(input.plan))
  const created = new Date(input.now).toISOString()
  const job: Job = {
    id: input.id,
    name: input.name,
    kind: 'film',
    film: input.plan,
    project: input.project,
    file: insideProject(input.projectDir, 'project.json'),
    output: insideProject(input.projectDir, `renders/film/${input.name}.mp4`),
    frameStart: 1,
    frameEnd: frames,
    frameStep: 1,
    video: true,
    priority: input.priority,
    requires: [FFMPEG_TAG],
    chunkSize: frames,
    spread: false,
    status: 'queued',
    created,
    updated: created,
    auto: false,
    seenBy: [],
    blocklist: [],
    tasks: [{ id: 't1', frames: Array.from({ length: frames }, (_, i) => i + 1) as Job['tasks'][number]['frames'], status: 'queued', node: null, attempts: 0 }],
  }
  if (input.createdBy !== undefined) job.createdBy = input.createdBy
  return job
}
