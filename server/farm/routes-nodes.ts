// The nodes table: every logged-in person sees the render nodes and what they do; pausing or
// resuming a node (or all of them) stops or starts the farm for everybody, so that is for staff.
import type { FastifyInstance } from 'fastify'
import type { NodeUpdate } from '../../schemas/generated/types.ts'

export async function nodeRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const list = { 200: { $ref: 'api-farm-nodes.schema.json#' } }

  app.get('/api/farm/nodes', { config: { access: 'user' }, schema: { response: list } }, async () => farm.listNodes())

  app.patch<{ Params: { name: string }, Body: NodeUpdate }>('/api/farm/nodes/:name', {
    config: { access: 'staff', staffOnly: 'pause or resume render nodes' },
    schema: { body: { $ref: 'api-node-update.schema.json#' }, response: list },
  }, async (request) => {
    await farm.setNodePaused(request.params.name, request.body.paused)
    return farm.listNodes()
  })

  app.post<{ Body: NodeUpdate }>('/api/farm/nodes/pause-all', {
    config: { access: 'staff', staffOnly: 'pause or resume render nodes' },
    schema: { body: { $ref: 'api-node-update.schema.json#' }, response: list },
  }, async (request) => {
    await farm.setAllPaused(request.body.paused)
    return farm.listNodes()
  })
}
