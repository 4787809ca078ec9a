// The node protocol (docs/farm-protocol.md). Every request must carry a farm credential
// (Authorization: Bearer <credential>; access 'farm', checked by the auth plugin before the body is
// read), then the node's session id in the body. Bodies are checked against the farm-* schemas.
import type { FastifyInstance } from 'fastify'
import { registerRoutes } from '../register-routes.ts'

export async function nodeProtocolRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app

  registerRoutes(app, {
    farmHello: async (request) => farm.hello(request.body, request.farmCredential!),

    farmWork: async (request, reply) => {
      // The node may give up a held poll (its state changed); whatever was assigned meanwhile is
      // sent again on its next poll.
      const gone = new AbortController()
      const onClose = () => { if (!reply.sent) gone.abort() }
      reply.raw.on('close', onClose)
      try {
        return await farm.work(request.body, request.farmCredential!, gone.signal)
      } finally {
        reply.raw.off('close', onClose)
      }
    },

    farmReport: async (request) => farm.report(request.body, request.farmCredential!),

    farmDone: async (request) => farm.done(request.body, request.farmCredential!),

    farmFailed: async (request) => farm.failed(request.body, request.farmCredential!),

    farmBye: async (request, reply) => {
      await farm.bye(request.body, request.farmCredential!)
      return reply.code(204).send()
    },
  })
}
