// The prenode protocol (docs/farm-protocol.md, "Prenodes"): a cluster watcher asks for jobs it has
// not acted on (a long poll) and acknowledges those it ran its command for. Like the node protocol,
// every request must carry a farm credential (access 'farm'), checked before the body is looked at;
// a prenode name belongs to the credential that first used it.
import type { FastifyInstance } from 'fastify'
import type { FarmPrenodeAck, FarmPrenodePoll } from '../../schemas/generated/types.ts'

export async function prenodeRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const config = { access: 'farm' } as const

  app.post<{ Body: FarmPrenodePoll }>('/api/farm/prenode/poll', {
    config, schema: { body: { $ref: 'farm-prenode-poll.schema.json#' }, response: { 200: { $ref: 'farm-prenode-jobs.schema.json#' } } },
  }, async (request, reply) => {
    // A prenode that gives up its poll (stopped, timed out) frees its place at once.
    const gone = new AbortController()
    const onClose = () => { if (!reply.sent) gone.abort() }
    reply.raw.on('close', onClose)
    try {
      return await farm.prenodePoll(request.body, request.farmCredential!, gone.signal)
    } finally {
      reply.raw.off('close', onClose)
    }
  })

  app.post<{ Body: FarmPrenodeAck }>('/api/farm/prenode/ack', {
    config, schema: { body: { $ref: 'farm-prenode-ack.schema.json#' } },
  }, async (request, reply) => {
    await farm.prenodeAck(request.body, request.farmCredential!)
    return reply.code(204).send()
  })
}
