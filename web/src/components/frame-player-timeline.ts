// The frames viewer's timeline: one or more clips (a job's frames, or part of them) put end to end,
// so the player can show one render, or several shots' renders back to back (a film). Each entry is
// one frame with where it stands and the URL of its picture when it has one.
import type { JobFrame, JobFrames } from '../../../schemas/generated/types.ts'
import { api } from '../api/routes.ts'

/** A clip: the frames of one job, all of them or from..to. */
export interface FrameClip {
  project: string
  job: string
  /** Shown with its frames (the shot's name); the job's name when left out. */
  label?: string
  from?: number
  to?: number
}

export type FrameState = JobFrame['state']

export interface TimelineFrame {
  /** Index of its clip in the timeline's clips. */
  clip: number
  frame: number
  state: FrameState
  url: string | null
}

export interface Timeline {
  frames: TimelineFrame[]
  /** The clips' frame lists, as the server sent them. */
  clips: JobFrames[]
  labels: string[]
  /** The first clip's frame rate: a film plays at one rate. */
  fps: number
  width?: number
  height?: number
}

/** Loads each clip's frame list (at once, in parallel) and puts them end to end. */
export async function loadTimeline (clips: FrameClip[], signal?: AbortSignal): Promise<Timeline> {
  const lists = await Promise.all(clips.map((c) => api.listJobFrames({ project: c.project, id: c.job }, { signal })))
  const frames: TimelineFrame[] = []
  lists.forEach((list, clip) => {
    const { from = -Infinity, to = Infinity } = clips[clip]!
    for (const f of list.frames) if (f.frame >= from && f.frame <= to) frames.push({ clip, frame: f.frame, state: f.state, url: f.url })
  })
  const first = lists[0]
  return {
    frames,
    clips: lists,
    labels: lists.map((l, i) => clips[i]!.label ?? l.name),
    fps: first?.fps ?? 24,
    ...(first?.width ? { width: first.width, height: first.height } : {}),
  }
}

export interface StateRun { state: FrameState, start: number, end: number }

/** Runs of frames that have no picture (to mark on the scrub bar): indexes start..end inclusive. */
export function missingRuns (frames: TimelineFrame[]): StateRun[] {
  const runs: StateRun[] = []
  frames.forEach((f, i) => {
    if (f.state === 'done') return
    const last = runs.at(-1)
    if (last && last.state === f.state && last.end === i - 1) last.end = i
    else runs.push({ state: f.state, start: i, end: i })
  })
  return runs
}

/** The index of the frame in `other` matching frame `f` of the timeline: the same frame number, else the same place. */
export function matchingIndex (other: TimelineFrame[], f: TimelineFrame | undefined, index: number): number {
  if (!f) return -1
  const same = other.findIndex((o) => o.frame === f.frame)
  return same >= 0 ? same : Math.min(index, other.length - 1)
}
