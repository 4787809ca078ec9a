// A project's render jobs, for its members (the auth plugin checks membership of :project):
// create, list, read with tasks, pause/resume/cancel/requeue/priority, remove, preview picture.
import { createReadStream } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { JobCreate, JobUpdate } from '../../schemas/generated/types.ts'
import { notFound } from '../errors.ts'

type One = { Params: { project: string, id: string } }
const view = { $ref: 'api-job-view.schema.json#' }
const config = { access: 'member' } as const
const idParam = { type: 'object', properties: { project: { type: 'string' }, id: { type: 'string', format: 'uuid' } }, required: ['project', 'id'] }

export async function jobRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app

  app.post<{ Params: { project: string }, Body: JobCreate }>('/api/projects/:project/jobs', {
    config, schema: { body: { $ref: 'job-create.schema.json#' }, response: { 201: view } },
  }, async (request, reply) => reply.code(201).send(await farm.createJob(request.params.project, request.body, { by: request.user?.ident })))

  app.get<{ Params: { project: string } }>('/api/projects/:project/jobs', {
    config, schema: { response: { 200: { $ref: 'api-job-list.schema.json#' } } },
  }, async (request) => ({ jobs: farm.listJobs(request.params.project) }))

  app.get<One>('/api/projects/:project/jobs/:id', { config, schema: { params: idParam, response: { 200: view } } },
    async (request) => farm.getJob(request.params.project, request.params.id))

  app.patch<One & { Body: JobUpdate }>('/api/projects/:project/jobs/:id', {
    config, schema: { params: idParam, body: { $ref: 'job-update.schema.json#' }, response: { 200: view } },
  }, async (request) => farm.updateJob(request.params.project, request.params.id, request.body, request.user?.ident))

  app.delete<One>('/api/projects/:project/jobs/:id', { config, schema: { params: idParam } }, async (request, reply) => {
    await farm.removeJob(request.params.project, request.params.id, request.user?.ident)
    return reply.code(204).send()
  })

  app.get<One>('/api/projects/:project/jobs/:id/preview', { config, schema: { params: idParam } }, async (request, reply) => {
    const file = farm.previewOf(request.params.project, request.params.id)
    if (!file) throw notFound('RFAM_NO_PREVIEW', 'This job has no picture yet: it appears when a node writes its first frame (EXR and video output have none).')
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(createReadStream(file))
  })
}
