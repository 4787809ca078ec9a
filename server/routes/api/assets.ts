// Assets of one project: list, create from a template, read, change fields, checkpoint, delete
// (to old/), reset render statistics. The asset's path inside the project is its id in URLs.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AssetCreate, AssetUpdate } from '../../../schemas/generated/types.ts'
import { checkRelativePath } from '../../store/named-paths.ts'
import { sendCachedJson } from './cached-json.ts'

type P = { Params: { project: string, '*': string } }
const view = { $ref: 'api-asset-view.schema.json#' }
const config = { access: 'member' } as const

function assetPath (request: FastifyRequest<P>): string {
  return checkRelativePath(request.params['*'] ?? '', 'asset path')
}

export async function assetRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam

  app.get<{ Params: { project: string } }>('/api/projects/:project/assets', { config }, async (request, reply) => {
    const views = workspace.store(request.params.project).views()
    reply.header('etag', views.etag).header('cache-control', 'private, no-cache')
    if (request.headers['if-none-match'] === views.etag) return reply.code(304).send()
    // The list is serialised (and compressed) once per change of the project.
    return sendCachedJson(request, reply, views.listJson)
  })

  app.post<{ Params: { project: string }, Body: AssetCreate }>('/api/projects/:project/assets', {
    config, schema: { body: { $ref: 'api-asset-create.schema.json#' }, response: { 201: view } },
  }, async (request, reply) => {
    const created = await workspace.store(request.params.project).create(request.body, request.user!.ident)
    return reply.code(201).send(created)
  })

  app.get<P>('/api/projects/:project/assets/*', { config, schema: { response: { 200: view } } }, async (request) =>
    workspace.store(request.params.project).get(assetPath(request)))

  app.patch<P & { Body: AssetUpdate }>('/api/projects/:project/assets/*', {
    config, schema: { body: { $ref: 'api-asset-update.schema.json#' }, response: { 200: view } },
  }, async (request) => workspace.store(request.params.project).update(assetPath(request), request.body))

  app.delete<P>('/api/projects/:project/assets/*', { config }, async (request, reply) => {
    await workspace.store(request.params.project).delete(assetPath(request))
    return reply.code(204).send()
  })

  app.post<P>('/api/projects/:project/checkpoints/*', { config }, async (request, reply) => {
    const checkpoint = await workspace.store(request.params.project).checkpoint(assetPath(request))
    return reply.code(201).send({ checkpoint })
  })

  app.delete<P>('/api/projects/:project/render-stats/*', { config, schema: { response: { 200: view } } }, async (request) =>
    workspace.store(request.params.project).update(assetPath(request), (meta) => {
      delete meta.renderStats
      return meta
    }))
}
