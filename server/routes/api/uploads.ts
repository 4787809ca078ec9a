// Reading the one file of a multipart upload (pictures). A body larger than the limit is refused
// before it is read: by its Content-Length when it has one, else as soon as the limit is passed,
// and the connection is closed (server.ts) so the rest is never read.
import type { FastifyRequest } from 'fastify'
import { badRequest, HttpError } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'

/** Room for the multipart headers and boundaries around the file. */
const MULTIPART_OVERHEAD = 16 * 1024

export function tooLarge (maxBytes: number): HttpError {
  const mb = Math.max(1, Math.round(maxBytes / (1024 * 1024)))
  return new HttpError(413, 'RFAM_TOO_LARGE', say('error:too-large', { mb }))
}

export async function uploadedFile (request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (!request.isMultipart()) throw badRequest('RFAM_UPLOAD', say('error:upload-form'))
  const declared = Number(request.headers['content-length'] ?? NaN)
  if (declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes)
  // One byte over the limit reaches us, so the loop below notices at once (busboy would quietly
  // drop the rest and read on to the end of the body).
  const part = await request.file({ limits: { fileSize: maxBytes + 1 } })
  if (!part) throw badRequest('RFAM_UPLOAD', say('error:upload-none'))
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
