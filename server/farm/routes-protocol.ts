// The node protocol (docs/farm-protocol.md). Public as far as log-in goes: every request must
// carry a farm credential (Authorization: Bearer <credential>), checked before anything else,
// then the node's session id in the body. Bodies are checked against the farm-* schemas.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FarmBye, FarmDone, FarmFailed, FarmHello, FarmReport, FarmWorkRequest } from '../../schemas/generated/types.ts'

declare module 'fastify' {
  interface FastifyRequest { farmCredential: string | null }
}

function bearer (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
}

const reportReply = { 200: { $ref: 'farm-report-reply.schema.json#' } }

export async function nodeProtocolRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  app.decorateRequest('farmCredential', null)
  // Runs before body validation: an unknown node gets 401 whatever it sends. (A callback hook:
  // it runs for every node message, and an async one costs a promise each time.)
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      request.farmCredential = farm.checkCredential(bearer(request))
    } catch (err) {
      done(err as Error)
      return
    }
    done()
  })
  const config = { public: true }

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
