// The nodes table: every logged-in person sees the render nodes and what they do; pausing or
// resuming a node (or all of them) stops or starts the farm for everybody, so that is for staff.
import type { FastifyInstance } from 'fastify'
import { registerRoutes } from '../register-routes.ts'

export async function nodeRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app

  registerRoutes(app, {
    listNodes: async () => farm.listNodes(),

    pauseNode: async (request) => {
      await farm.setNodePaused(request.params.name, request.body.paused)
      return farm.listNodes()
    },

    pauseAllNodes: async (request) => {
      await farm.setAllPaused(request.body.paused)
      return farm.listNodes()
    },
  })
}
