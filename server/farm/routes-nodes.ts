// The nodes table: every render node with what it does; any logged-in person may pause or resume
// a node (or all of them), as at a summer school the farm is everybody's.
import type { FastifyInstance } from 'fastify'
import type { NodeUpdate } from '../../schemas/generated/types.ts'

export async function nodeRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const list = { 200: { $ref: 'api-farm-nodes.schema.json#' } }

  app.get('/api/farm/nodes', { schema: { response: list } }, async () => farm.listNodes())

  app.patch<{ Params: { name: string }, Body: NodeUpdate }>('/api/farm/nodes/:name', {
    schema: { body: { $ref: 'api-node-update.schema.json#' }, response: list },
  }, async (request) => {
    await farm.setNodePaused(request.params.name, request.body.paused)
    return farm.listNodes()
  })

  app.post<{ Body: NodeUpdate }>('/api/farm/nodes/pause-all', {
    schema: { body: { $ref: 'api-node-update.schema.json#' }, response: list },
  }, async (request) => {
    await farm.setAllPaused(request.body.paused)
    return farm.listNodes()
  })
}
