// The node protocol (docs/farm-protocol.md). Every request must carry a farm credential
// (Authorization: Bearer <credential>; access 'farm', checked by the auth plugin before the body is
// read), then the node's session id in the body. Bodies are checked against the farm-* schemas.
import { createReadStream } from 'node:fs'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { NodeAsking } from '../../farm/shipping.ts'
import { registerRoutes } from '../register-routes.ts'
import { heldPoll } from './held-poll.ts'

export async function nodeProtocolRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  // A frame a node sends is streamed to its file as it arrives (farmFrameUpload), never parsed.
  app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => { done(null) })
  const asking = (request: FastifyRequest): NodeAsking => ({
    node: String(request.headers['x-rfam-node'] ?? ''),
    session: String(request.headers['x-rfam-session'] ?? ''),
    credential: request.farmCredential!,
  })

  registerRoutes(app, {
    farmHello: async (request) => farm.hello(request.body, request.farmCredential!),

    // The node may give up a held poll (its state changed); whatever was assigned meanwhile is
    // sent again on its next poll.
    farmWork: async (request, reply) => heldPoll(reply, (gone) => farm.work(request.body, request.farmCredential!, gone)),

    farmReport: async (request) => farm.report(request.body, request.farmCredential!),

    farmDone: async (request) => farm.done(request.body, request.farmCredential!),

    farmFailed: async (request) => farm.failed(request.body, request.farmCredential!),

    farmClosure: async (request) => farm.shipping.closure(request.body, request.farmCredential!),

    farmBlob: async (request, reply) => {
      const range = await farm.shipping.blob(asking(request), request.params.hash, request.headers.range)
      reply.header('content-type', 'application/octet-stream').header('accept-ranges', 'bytes').header('content-length', range.end - range.start + 1)
      if (range.partial) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${range.size}`)
      return reply.send(createReadStream(range.path, { start: range.start, end: range.end, highWaterMark: 1024 * 1024 }))
    },

    farmFrameUpload: async (request, reply) => {
      const sha = request.headers['x-rfam-sha256']
      await farm.shipping.frame(asking(request), request.params.job, request.params.name, typeof sha === 'string' ? sha : undefined, request.raw)
      return reply.code(204).send()
    },

    farmBye: async (request, reply) => {
      await farm.bye(request.body, request.farmCredential!)
      return reply.code(204).send()
    },
  })
}
