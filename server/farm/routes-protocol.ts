// The node protocol (docs/farm-protocol.md). Every request must carry a farm credential
// (Authorization: Bearer <credential>; access 'farm', checked by the auth plugin before the body is
// read), then the node's session id in the body. Bodies are checked against the farm-* schemas.
import type { FastifyInstance } from 'fastify'
import type { FarmBye, FarmDone, FarmFailed, FarmHello, FarmReport, FarmWorkRequest } from '../../schemas/generated/types.ts'

const reportReply = { 200: { $ref: 'farm-report-reply.schema.json#' } }

export async function nodeProtocolRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const config = { access: 'farm' } as const

  app.post<{ Body: FarmHello }>('/api/farm/hello', {
    config, schema: { body: { $ref: 'farm-hello.schema.json#' }, response: { 200: { $ref: 'farm-welcome.schema.json#' } } },
  }, async (request) => farm.hello(request.body, request.farmCredential!))

  app.post<{ Body: FarmWorkRequest }>('/api/farm/work', {
    config, schema: { body: { $ref: 'farm-work-request.schema.json#' }, response: { 200: { $ref: 'farm-work.schema.json#' } } },
  }, async (request, reply) => {
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
  })

  app.post<{ Body: FarmReport }>('/api/farm/report', {
    config, schema: { body: { $ref: 'farm-report.schema.json#' }, response: reportReply },
  }, async (request) => farm.report(request.body, request.farmCredential!))

  app.post<{ Body: FarmDone }>('/api/farm/done', {
    config, schema: { body: { $ref: 'farm-done.schema.json#' }, response: reportReply },
  }, async (request) => farm.done(request.body, request.farmCredential!))

  app.post<{ Body: FarmFailed }>('/api/farm/failed', {
    config, schema: { body: { $ref: 'farm-failed.schema.json#' }, response: reportReply },
  }, async (request) => farm.failed(request.body, request.farmCredential!))

  app.post<{ Body: FarmBye }>('/api/farm/bye', {
    config, schema: { body: { $ref: 'farm-bye.schema.json#' } },
  }, async (request, reply) => {
    await farm.bye(request.body, request.farmCredential!)
    return reply.code(204).send()
  })
}
