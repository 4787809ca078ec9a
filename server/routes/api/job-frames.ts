// The frames viewer's routes (the auth plugin checks membership of :project): a job's frames with
// where each stands, and one frame's picture. A frame's URL carries the version of its file, so a
// browser keeps the picture for good and asks again only after the frame is rendered again.
import { createReadStream } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Job } from '../../../schemas/generated/types.ts'
import { say } from '../../../common/sentences.ts'
import { notFound } from '../../errors.ts'
import { JobFrameFiles } from '../../farm/job-frames.ts'
import { registerRoutes } from '../register-routes.ts'

const FOR_GOOD = 'private, max-age=31536000, immutable'
const CHECK_AGAIN = 'private, no-cache'

export async function jobFrameRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const frames = new JobFrameFiles(farm.deps.resolveNamedPath)

  /** The project's job, or 404 (a job of another project is no job of this one). */
  const jobOf = (project: string, id: string): Job => {
    const job = farm.jobFile(id)
    if (!job || job.project !== project) throw notFound('RFAM_NO_JOB', say('error:no-job', { project, id }))
    return job
  }

  registerRoutes(app, {
    listJobFrames: async (request) => {
      const { project, id } = request.params
      return frames.list(jobOf(project, id), (frame, v) => `/api/projects/${encodeURIComponent(project)}/jobs/${encodeURIComponent(id)}/frames/${frame}?v=${v}`)
    },

    getJobFrame: async (request, reply) => {
      const { project, id } = request.params
      const picture = await frames.picture(jobOf(project, id), request.params.frame)
      const etag = `"${picture.version}${picture.type === 'image/jpeg' && picture.path.includes('/.proxies/') ? 'p' : ''}"`
      reply.header('etag', etag).header('cache-control', request.query.v === picture.version ? FOR_GOOD : CHECK_AGAIN)
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.type(picture.type).send(createReadStream(picture.path))
    },
  })
}
