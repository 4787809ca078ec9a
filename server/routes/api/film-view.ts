// The film so far (GET …/film): the project's shots (assets of type shot) in film order, each with its
// state and its latest render whose frames are still on disk, and the latest film the farm made. The
// same walk gives the plan of a film job (film-plan.schema.json): each shot's frame files, or a title
// card for a shot not rendered yet. Frames are looked up by name in each render's output folder (one
// listing per folder), so frames deleted since simply drop out.
import { readdir } from 'node:fs/promises'
import { join, posix } from 'node:path'
import type { AssetView, FilmMade, FilmPlan, FilmShot, FilmView, JobView, ProjectFile } from '../../../schemas/generated/types.ts'
import { frameStem, isFileOf } from '../../farm/frame-files.ts'
import { relativeToProject } from '../../farm/views.ts'

/** How a shot is known: an asset of this type. */
export const SHOT_TYPE = 'shot'
/** Frames per second when the project has no frame rate yet. */
export const DEFAULT_FPS = 24
/** How long a title card stands for a shot not rendered yet. */
export const CARD_SECONDS = 2

export interface FilmSources {
  assets: Iterable<AssetView>
  file: ProjectFile
  stateName: (state: string) => string
  jobs: JobView[]
  /** The project's folder as a named path ('data::red'), and on this machine. */
  projectDir: string
  root: string
  /** Whether a path inside the project is a file there. */
  exists: (rel: string) => boolean
  downloadUrl: (job: string) => string
}

/** A shot with the files of its frames (inside the project), as the view and the plan need it. */
interface ShotFrames extends FilmShot { files: string[] }

/** The project's shots in film order: those staff put in order first, the others by creation. */
export function shotsInOrder (assets: Iterable<AssetView>, order: readonly string[] = []): AssetView[] {
  const shots = new Map<string, AssetView>()
  for (const a of assets) if (a.meta?.type === SHOT_TYPE) shots.set(a.path, a)
  const placed = order.flatMap((p) => shots.get(p) ?? [])
  const rest = [...shots.values()].filter((a) => !order.includes(a.path))
    .sort((a, b) => (a.meta!.created ?? '').localeCompare(b.meta!.created ?? '') || a.path.localeCompare(b.path))
  return [...placed, ...rest]
}

/** Frames of a render whose files are in its output folder (listing cached per folder). */
async function framesOnDisk (job: JobView, src: FilmSources, listings: Map<string, Promise<Map<string, string[]>>>): Promise<Array<{ frame: number, file: string }>> {
  const folder = posix.dirname(relativeToProject(job.output, src.projectDir))
  let listing = listings.get(folder)
  if (!listing) listings.set(folder, listing = readdir(join(src.root, folder)).then(byStem, () => new Map()))
  const names = await listing
  const out: Array<{ frame: number, file: string }> = []
  for (let f = job.frameStart; f <= job.frameEnd; f += Math.max(1, job.frameStep)) {
    const stem = frameStem(job.output, f)
    const name = [...names.get(stem) ?? [], ...names.get(bare(stem)) ?? []].find((n) => isFileOf(n, stem))
    if (name) out.push({ frame: f, file: `${folder}/${name}` })
  }
  return out
}

const bare = (name: string) => name.replace(/\.[A-Za-z][A-Za-z0-9]{0,9}$/, '')

/** A folder's file names by their name without extension. */
function byStem (names: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const name of names.sort()) {
    const list = out.get(bare(name))
    if (list) list.push(name)
    else out.set(bare(name), [name])
  }
  return out
}

async function shotOf (shot: AssetView, renders: JobView[], src: FilmSources, listings: Map<string, Promise<Map<string, string[]>>>): Promise<ShotFrames> {
  const meta = shot.meta!
  const base = { path: shot.path, name: meta.name, state: meta.state, stateName: src.stateName(meta.state) }
  // Newest first: the latest render that still has frames on disk.
  for (const job of renders) {
    const frames = await framesOnDisk(job, src, listings)
    if (frames.length === 0) continue
    return { ...base, gone: false, files: frames.map((f) => f.file), render: { job: job.id, status: job.status, frameStart: job.frameStart, frameEnd: job.frameEnd, frameStep: job.frameStep, frames: frames.map((f) => f.frame) } }
  }
  return { ...base, gone: renders.length > 0, files: [], render: null }
}

/** Render jobs that wrote frames, by asset, newest first. */
function rendersByAsset (jobs: JobView[]): Map<string, JobView[]> {
  const out = new Map<string, JobView[]>()
  for (const job of jobs) {
    if (job.kind === 'film' || job.video || !job.asset || job.counts.done === 0) continue
    const list = out.get(job.asset) ?? []
    list.push(job)
    out.set(job.asset, list)
  }
  for (const list of out.values()) list.sort((a, b) => b.created.localeCompare(a.created))
  return out
}

function latestFilm (src: FilmSources): FilmMade | null {
  const film = src.jobs.filter((j) => j.kind === 'film').sort((a, b) => b.created.localeCompare(a.created))[0]
  if (!film) return null
  const made = film.status === 'completed' && src.exists(relativeToProject(film.output, src.projectDir))
  return {
    job: film.id,
    name: film.name,
    status: film.status,
    progress: film.progress,
    created: film.created,
    download: made ? src.downloadUrl(film.id) : null,
    ...(film.message !== undefined ? { message: film.message } : {}),
    ...(film.sentence !== undefined ? { sentence: film.sentence } : {}),
  }
}

export async function filmShots (src: FilmSources): Promise<ShotFrames[]> {
  const renders = rendersByAsset(src.jobs)
  const listings = new Map<string, Promise<Map<string, string[]>>>()
  return Promise.all(shotsInOrder(src.assets, src.file.filmOrder).map((shot) => shotOf(shot, renders.get(shot.path) ?? [], src, listings)))
}

export function filmFps (file: ProjectFile): number { return file.frameRate ?? DEFAULT_FPS }

export async function filmView (src: FilmSources, shots?: ShotFrames[]): Promise<FilmView> {
  const all = shots ?? await filmShots(src)
  const sound = src.file.sound ? { path: src.file.sound, found: src.exists(src.file.sound) } : null
  return {
    fps: filmFps(src.file),
    fpsSet: src.file.frameRate !== undefined,
    sound,
    shots: all.map(({ files: _files, ...shot }) => shot),
    film: latestFilm(src),
  }
}

/** What a film job puts together: each shot's frames, or its title card (`card` words it). */
export function filmPlan (shots: ShotFrames[], file: ProjectFile, card: (shot: FilmShot) => string): FilmPlan {
  const fps = filmFps(file)
  return {
    fps,
    ...(file.sound ? { sound: file.sound } : {}),
    segments: shots.map((s) => s.render
      ? { shot: s.path, name: s.name, files: s.files }
      : { shot: s.path, name: s.name, card: { text: card(s).slice(0, 300), frames: Math.max(1, Math.round(fps * CARD_SECONDS)) } }),
  }
}
