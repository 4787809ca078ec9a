// Sends JSON that was serialised once and cached, gzip-compressed (also once) for clients that
// accept it: a 10,000-asset list is 5 MB as JSON and a few hundred kB compressed.
import { gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

export class CachedJson {
  private gz?: Buffer
  constructor (readonly raw: Buffer) {}

  gzipped (): Buffer {
    this.gz ??= gzipSync(this.raw, { level: 5 })
    return this.gz
  }
}

export function sendCachedJson (request: FastifyRequest, reply: FastifyReply, body: CachedJson) {
  reply.type('application/json').header('vary', 'accept-encoding')
  // Tiny bodies are not worth compressing.
  if (body.raw.length > 1024 && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
    return reply.header('content-encoding', 'gzip').send(body.gzipped())
  }
  return reply.send(body.raw)
}
