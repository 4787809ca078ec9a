// Sends JSON the store serialised once and cached (store/cached-json.ts), gzip-compressed for
// clients that accept it.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CachedJson } from '../../store/cached-json.ts'

export async function sendCachedJson (request: FastifyRequest, reply: FastifyReply, body: CachedJson) {
  reply.type('application/json').header('vary', 'accept-encoding')
  // Tiny bodies are not worth compressing.
  if (body.raw.length > 1024 && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
    const compressed = await body.gzipped()
    return reply.header('content-encoding', 'gzip').send(compressed)
  }
  return reply.send(body.raw)
}
