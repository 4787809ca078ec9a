// The prenode protocol (docs/farm-protocol.md, "Prenodes"): a cluster watcher asks for jobs it has
// not acted on (a long poll) and acknowledges those it ran its command for. Like the node protocol,
// every request must carry a farm credential (access 'farm'), checked before the body is looked at;
// a prenode name belongs to the credential that first used it.
import type { FastifyInstance } from 'fastify'
import { registerRoutes } from '../register-routes.ts'
import { heldPoll } from './held-poll.ts'

export async function prenodeRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app

  registerRoutes(app, {
    // A prenode that gives up its poll (stopped, timed out) frees its place at once.
    prenodePoll: async (request, reply) => heldPoll(reply, (gone) => farm.prenodePoll(request.body, request.farmCredential!, gone)),

    prenodeAck: async (request, reply) => {
      await farm.prenodeAck(request.body, request.farmCredential!)
      return reply.code(204).send()
    },
  })
}
