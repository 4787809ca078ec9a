// A project's render jobs, for its members (the auth plugin checks membership of :project):
// create, list (with the farm's state: read-only while its folder cannot be written), read with
// tasks, pause/resume/cancel/requeue/priority, remove, preview picture.
// Changing or removing one is for the people it belongs to (job-policy.ts); every view says
// whether the caller is one of them, so clients offer only what will work.
import { createReadStream } from 'node:fs'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { JobView } from '../../../schemas/generated/types.ts'
import { notFound } from '../../errors.ts'
import { registerRoutes } from '../register-routes.ts'
import { mayChangeJob, notYourJob, type AssetPeople } from '../../farm/job-policy.ts'
import { say } from '../../../common/sentences.ts'

type One = { Params: { project: string, id: string } }

export async function jobRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const { workspace } = app.rfam

  /** The people of the asset a job renders, as its sidecar says now (none when it is gone or broken). */
  const assetPeople = (project: string, path: string | undefined): AssetPeople | undefined => {
    if (!path) return undefined
    try {
      const meta = workspace.store(project).get(path).meta
      return meta ? { name: meta.name, owner: meta.owner, support: meta.support } : undefined
    } catch {
      return undefined
    }
  }
  const mayChange = (request: FastifyRequest, job: JobView) => mayChangeJob(request.user!, job, assetPeople(job.project, job.asset))
  const withCanChange = (request: FastifyRequest, job: JobView): JobView => ({ ...job, canChange: mayChange(request, job) })

  /** 404 for a job that does not exist, 403 (saying who may) for one that is not the caller's. */
  const checkMayChange = (request: FastifyRequest<One>): void => {
    const job = farm.getJob(request.params.project, request.params.id)
    if (!mayChange(request, job)) throw notYourJob(job, assetPeople(job.project, job.asset), (ident) => workspace.users.get(ident)?.name ?? ident)
  }

  registerRoutes(app, {
    createJob: async (request, reply) =>
      reply.code(201).send(withCanChange(request, await farm.createJob(request.params.project, request.body, { by: request.user?.ident }))),

    getRenderSettings: async (request) => farm.renderSettings(request.params.project, request.params['*'] ?? ''),

    listJobs: async (request) => ({ jobs: farm.listJobs(request.params.project).map((job) => withCanChange(request, job)), ...farm.state() }),

    getJob: async (request) => withCanChange(request, farm.getJob(request.params.project, request.params.id)),

    updateJob: async (request) => {
      checkMayChange(request)
      return withCanChange(request, await farm.updateJob(request.params.project, request.params.id, request.body, request.user?.name ?? request.user?.ident))
    },

    deleteJob: async (request, reply) => {
      checkMayChange(request)
      await farm.removeJob(request.params.project, request.params.id, request.user?.name ?? request.user?.ident)
      return reply.code(204).send()
    },

    getJobPreview: async (request, reply) => {
      const file = farm.previewOf(request.params.project, request.params.id)
      if (!file) throw notFound('RFAM_NO_PREVIEW', say('error:no-preview'))
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(createReadStream(file))
    },
  })
}
