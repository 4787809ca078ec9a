// The nodes table: every logged-in person sees the render nodes and what they do; pausing or
// resuming a node (or all of them) stops or starts the farm for everybody, so that is for staff.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { NodeUpdate } from '../../schemas/generated/types.ts'
import { forbidden } from '../errors.ts'

function staffOnly (request: FastifyRequest): void {
  if (!request.user?.staff) throw forbidden('RFAM_STAFF_ONLY', 'Only staff can pause or resume render nodes.')
}

export async function nodeRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const list = { 200: { $ref: 'api-farm-nodes.schema.json#' } }

  app.get('/api/farm/nodes', { schema: { response: list } }, async () => farm.listNodes())

  app.patch<{ Params: { name: string }, Body: NodeUpdate }>('/api/farm/nodes/:name', {
    schema: { body: { $ref: 'api-node-update.schema.json#' }, response: list },
  }, async (request) => {
    staffOnly(request)
    await farm.setNodePaused(request.params.name, request.body.paused)
    return farm.listNodes()
  })

  app.post<{ Body: NodeUpdate }>('/api/farm/nodes/pause-all', {
    schema: { body: { $ref: 'api-node-update.schema.json#' }, response: list },
  }, async (request) => {
    staffOnly(request)
    await farm.setAllPaused(request.body.paused)
    return farm.listNodes()
  })
}
