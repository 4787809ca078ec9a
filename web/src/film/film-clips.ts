// The film as the frames viewer plays it: each shot's latest render a clip of the frames it has on
// disk, read through the job frame routes (so EXR frames come as the render's proxies, as for any
// job), and a title card standing CARD_SECONDS for a shot not rendered yet or whose frames are gone.
import type { FilmShot } from '../../../schemas/generated/types.ts'
import type { FrameClip } from '../components/frame-player-timeline.ts'

/** Seconds a title card stands. */
export const CARD_SECONDS = 2

/** The clips of the film's shots, in film order (one per shot, so clip n is shot n). */
export function filmClips (project: string, shots: FilmShot[], card: (shot: FilmShot) => string): FrameClip[] {
  return shots.map((shot) => shot.render
    ? { project, job: shot.render.job, label: shot.name, frames: shot.render.frames }
    : { card: card(shot), label: shot.name, seconds: CARD_SECONDS, state: shot.gone ? 'missing' : 'waiting' })
}
