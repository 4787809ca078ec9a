// Where the Film page reads a shot's frame pictures: the one place to switch to the shared frame
// player's routes (GET …/jobs/:id/frames/:frame) once they exist. For now the film's own route.
import type { FilmShot } from '../../../schemas/generated/types.ts'
import { urls } from '../api/routes.ts'

/** The picture URLs of a shot's latest render, in order; none for a shot not rendered. */
export function filmFrameUrls (project: string, shot: FilmShot): string[] {
  const render = shot.render
  if (!render) return []
  return render.frames.map((frame) => urls.getFilmFrame({ project, id: render.job, frame: String(frame) }))
}
