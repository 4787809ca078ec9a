// The frames viewer's timeline: one or more clips (a job's frames, or part of them) put end to end,
// so the player can show one render, or several shots' renders back to back (a film, where a shot
// not rendered yet is a title card standing a couple of seconds). Each entry is one frame with where
// it stands and the URL of its picture when it has one.
import type { JobFrame, JobFrames } from '../../../schemas/generated/types.ts'
import { api } from '../api/routes.ts'
import { urls } from '../api/urls.ts'

/** A clip: the frames of one job, all of them, from..to, or only those listed. */
export interface JobClip {
  project: string
  job: string
  /** Shown with its frames (the shot's name); the job's name when left out. */
  label?: string
  from?: number
  to?: number
  /**
   * The frames known to be on disk (a film's shots): played without asking for the job's frame list,
   * so the first picture comes a round trip sooner; one deleted since says so when its picture is asked for.
   */
  frames?: number[]
}

/** A title card: words on a dark picture for a while (a shot without frames to play). */
export interface CardClip {
  card: string
  label: string
  seconds: number
  /** How its frames are marked on the scrub bar. */
  state: FrameState
}

export type FrameClip = JobClip | CardClip

const isCard = (clip: FrameClip): clip is CardClip => 'card' in clip

export type FrameState = JobFrame['state']

export interface TimelineFrame {
  /** Index of its clip in the timeline's clips. */
  clip: number
  frame: number
  state: FrameState
  url: string | null
  /** A title card's words (its frames have no picture). */
  card?: string
}

export interface Timeline {
  frames: TimelineFrame[]
  /** The clips' frame lists, as the server sent them (null: not asked for: a title card, or frames known already). */
  clips: Array<JobFrames | null>
  labels: string[]
  /** The frame rate asked for, else the first render's: a film plays at one rate. */
  fps: number
  width?: number
  height?: number
}

/** Loads each clip's frame list (at once, in parallel) and puts them end to end, at `fps` when given. */
export async function loadTimeline (clips: FrameClip[], signal?: AbortSignal, fps?: number): Promise<Timeline> {
  const lists = await Promise.all(clips.map((c) => isCard(c) || c.frames ? null : api.listJobFrames({ project: c.project, id: c.job }, { signal })))
  const first = lists.find((l) => l !== null)
  const rate = fps ?? first?.fps ?? 24
  const frames: TimelineFrame[] = []
  lists.forEach((list, clip) => {
    const c = clips[clip]!
    if (isCard(c)) {
      const length = Math.max(1, Math.round(c.seconds * rate))
      for (let i = 1; i <= length; i++) frames.push({ clip, frame: i, state: c.state, url: null, card: c.card })
      return
    }
    const { project, job, from = -Infinity, to = Infinity } = c
    const listed = list?.frames ?? c.frames!.map((frame) => ({ frame, state: 'done' as const, url: urls.getJobFrame({ project, id: job, frame: String(frame) }) }))
    for (const f of listed) if (f.frame >= from && f.frame <= to) frames.push({ clip, frame: f.frame, state: f.state, url: f.url })
  })
  return {
    frames,
    clips: lists,
    labels: lists.map((l, i) => clips[i]!.label ?? l?.name ?? ''),
    fps: rate,
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
