// The node protocol (docs/farm-protocol.md). Every request must carry a farm credential
// (Authorization: Bearer <credential>; access 'farm', checked by the auth plugin before the body is
// read), then the node's session id in the body. Bodies are checked against the farm-* schemas.
import type { FastifyInstance } from 'fastify'
import { registerRoutes } from '../register-routes.ts'
import { heldPoll } from './held-poll.ts'

export async function nodeProtocolRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app

  registerRoutes(app, {
    farmHello: async (request) => farm.hello(request.body, request.farmCredential!),

    // The node may give up a held poll (its state changed); whatever was assigned meanwhile is
    // sent again on its next poll.
    farmWork: async (request, reply) => heldPoll(reply, (gone) => farm.work(request.body, request.farmCredential!, gone)),

    farmReport: async (request) => farm.report(request.body, request.farmCredential!),

    farmDone: async (request) => farm.done(request.body, request.farmCredential!),

    farmFailed: async (request) => farm.failed(request.body, request.farmCredential!),

    farmBye: async (request, reply) => {
      await farm.bye(request.body, request.farmCredential!)
      return reply.code(204).send()
    },
  })
}
