// The Film page's routes (schemas/routes/film.routes.json): the film so far, its order (staff), a
// film job that ffmpeg on a node runs (staff), the movie as a download, and single frames of the
// shots' renders for the page's playback. The view itself is film-view.ts.
import { createReadStream, statSync } from 'node:fs'
import { extname } from 'node:path'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { badRequest, notFound } from '../../errors.ts'
import { fill, say } from '../../../common/sentences.ts'
import { findFrameFile } from '../../farm/frame-files.ts'
import { projectPaths } from '../../farm/job-factory.ts'
import { relativeToProject } from '../../farm/views.ts'
import { registerRoutes } from '../register-routes.ts'
import { filmPlan, filmShots, filmView, shotsInOrder, type FilmSources } from './film-view.ts'

/** Picture types a browser shows, by the frame file's extension. */
const PICTURE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' }

/** A movie's file name: the project and when it was made (renders/film/red-2026-12-03-1012.mp4). */
function movieName (project: string, now: Date): string {
  return `${project}-${now.toISOString().slice(0, 16).replace(/[T:]/g, '-')}`.replace(/-(\d\d)-(\d\d)$/, '-$1$2')
}

export async function filmRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const { workspace, config } = app.rfam
  const lang = (code: string | undefined) => workspace.languages.get(code ?? '') ?? workspace.languages.get(config.language)!

  const sources = (project: string): FilmSources => {
    const store = workspace.store(project)
    const states = store.defaults().states
    return {
      assets: store.views().byPath.values(),
      file: store.file(),
      stateName: (state) => states.get(state)?.name ?? state,
      jobs: farm.listJobs(project),
      projectDir: workspace.project(project).directory,
      root: store.root,
      exists: (rel) => {
        try { return statSync(store.resolve(rel, 'file')).isFile() } catch { return false }
      },
      downloadUrl: (job) => `/api/projects/${project}/film/download/${job}`,
    }
  }

  /** A job of this project (404 otherwise). */
  const jobOf = (project: string, id: string) => {
    const job = farm.jobFile(id)
    if (!job || job.project !== project) throw notFound('RFAM_NO_JOB', say('error:no-job', { project, id }))
    return job
  }

  const cardText = (request: FastifyRequest) => {
    const strings = lang(request.user?.language).strings
    return (shot: { name: string, stateName: string }) => fill(strings['film:card'] ?? '{name} — {state} — not rendered yet', { name: shot.name, state: shot.stateName })
  }

  registerRoutes(app, {
    getFilm: async (request) => filmView(sources(request.params.project)),

    setFilmOrder: async (request) => {
      const { project } = request.params
      const { order } = request.body
      const store = workspace.store(project)
      const shots = new Set(shotsInOrder(store.views().byPath.values()).map((s) => s.path))
      const seen = new Set<string>()
      for (const path of order) {
        if (!shots.has(path)) throw badRequest('RFAM_FILM_UNKNOWN_SHOT', say('error:film-unknown-shot', { path }))
        if (seen.has(path)) throw badRequest('RFAM_FILM_SHOT_TWICE', say('error:film-shot-twice', { path }))
        seen.add(path)
      }
      await store.updateFile({ filmOrder: order })
      return filmView(sources(project))
    },

    makeFilm: async (request, reply) => {
      const { project } = request.params
      const src = sources(project)
      const shots = await filmShots(src)
      if (shots.length === 0) throw badRequest('RFAM_FILM_EMPTY', say('error:film-empty'))
      if (src.file.sound && !src.exists(src.file.sound)) throw badRequest('RFAM_FILM_NO_SOUND', say('error:film-no-sound', { path: src.file.sound }))
      const plan = filmPlan(shots, src.file, cardText(request))
      await farm.createFilmJob(project, plan, movieName(project, new Date()), request.user?.name ?? request.user?.ident)
      return reply.code(201).send(await filmView(sources(project), shots))
    },

    downloadFilm: async (request, reply) => {
      const { project, id } = request.params
      const job = jobOf(project, id)
      const rel = relativeToProject(job.output ?? '', workspace.project(project).directory)
      let file: string | null = null
      try {
        file = job.kind === 'film' && job.status === 'completed' ? workspace.store(project).resolve(rel, 'film') : null
        if (file && !statSync(file).isFile()) file = null
      } catch { file = null }
      if (!file) throw notFound('RFAM_NO_FILM', say('error:film-not-made'))
      const name = rel.slice(rel.lastIndexOf('/') + 1)
      return reply.type('video/mp4').header('content-disposition', `attachment; filename="${name.replace(/["\\]/g, '_')}"`).send(createReadStream(file))
    },

    getFilmFrame: async (request, reply) => {
      const { project, id } = request.params
      const job = jobOf(project, id)
      const frame = Number(request.params.frame)
      const named = Number.isInteger(frame) && frame >= job.frameStart && frame <= job.frameEnd
        ? await findFrameFile(farm.deps.resolveNamedPath, job, frame)
        : null
      if (!named) throw notFound('RFAM_NO_FRAME', say('error:note-frame-missing', { frame: request.params.frame, render: job.name }))
      // Read through links that stay inside the project only.
      const file = projectPaths(farm.deps.resolveNamedPath, workspace.project(project).directory).read(named, 'frame')
      const type = PICTURE_TYPES[extname(file).toLowerCase()]
      if (!type) throw notFound('RFAM_NO_FRAME', say('error:film-frame-format', { file: extname(file) }))
      return reply.type(type).header('cache-control', 'private, max-age=60').send(createReadStream(file))
    },
  })
}
