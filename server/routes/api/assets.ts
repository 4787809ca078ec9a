// Assets of one project: list, create from a template, read, change fields, checkpoint, delete
// (to old/), reset render statistics. The asset's path inside the project is its id in URLs.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { checkRelativePath } from '../../../common/named-paths.ts'
import { registerRoutes } from '../register-routes.ts'
import { sendCachedJson } from './send-cached-json.ts'

/** The asset's path inside the project: the rest of the URL after …/assets/ (or checkpoints/, render-stats/). */
export function assetPath (request: FastifyRequest<{ Params: { '*': string } }>): string {
  return checkRelativePath(request.params['*'] ?? '', 'asset path')
}

export async function assetRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam

  registerRoutes(app, {
    listAssets: async (request, reply) => {
      const views = workspace.store(request.params.project).views()
      reply.header('etag', views.etag).header('cache-control', 'private, no-cache')
      if (request.headers['if-none-match'] === views.etag) return reply.code(304).send()
      // The list is serialised (and compressed) once per change of the project.
      return sendCachedJson(request, reply, views.listJson)
    },

    createAsset: async (request, reply) => {
      const store = workspace.store(request.params.project)
      store.checkNameFree(request.body.name)
      const created = await store.create(request.body, request.user!.ident)
      return reply.code(201).send(created)
    },

    getAsset: async (request) => workspace.store(request.params.project).get(assetPath(request)),

    updateAsset: async (request) => {
      const store = workspace.store(request.params.project)
      if (request.body.name !== undefined) store.checkNameFree(request.body.name, assetPath(request))
      return store.update(assetPath(request), request.body, request.user!.ident)
    },

    deleteAsset: async (request, reply) => {
      await workspace.store(request.params.project).delete(assetPath(request), request.user!.ident)
      return reply.code(204).send()
    },

    checkpointAsset: async (request, reply) => {
      const checkpoint = await workspace.store(request.params.project).checkpoint(assetPath(request), request.user!.ident)
      return reply.code(201).send({ checkpoint })
    },

    resetRenderStats: async (request) =>
      workspace.store(request.params.project).update(assetPath(request), (meta) => {
        delete meta.renderStats
        return meta
      }),
  })
}
