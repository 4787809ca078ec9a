// An asset's picture (the auth plugin checks membership of :project): for a renderable asset the farm
// has rendered, the preview of its latest frame; otherwise the thumbnail Blender stored in its .blend,
// read by the server (server/store/thumbnails.ts). Pages ask with the tag the asset list gives
// (`?v=`), so a .blend's picture is cached by browsers for good and asked for again only once the file
// changes; a rendered frame is checked again each time (its preview is made a moment after the frame).
import { createReadStream } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkRelativePath } from '../../../common/named-paths.ts'
import { say } from '../../../common/sentences.ts'
import { notFound } from '../../errors.ts'
import { identityEtag } from '../../store/thumbnails.ts'
import { registerRoutes } from '../register-routes.ts'

const FOR_GOOD = 'private, max-age=31536000, immutable'
const CHECK_AGAIN = 'private, no-cache'

/** Sends the picture (`body` made only when the client lacks it), or 304 when the client has it already. */
async function sendPicture (request: FastifyRequest, reply: FastifyReply, etag: string, cacheControl: string, type: string, body: () => unknown) {
  reply.header('etag', etag).header('cache-control', cacheControl)
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  return reply.type(type).send(body())
}

export async function thumbnailRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const { workspace } = app.rfam

  registerRoutes(app, {
    getThumbnail: async (request, reply) => {
      const { project } = request.params
      const path = checkRelativePath(request.params['*'] ?? '', 'asset path')
      const store = workspace.store(project)
      const view = store.get(path)
      if (view.meta?.render) {
        const frame = farm.latestPreviewOf(project, path)
        if (frame) {
          const etag = `"f${frame.mtimeMs.toString(36)}-${frame.size.toString(36)}"`
          return sendPicture(request, reply, etag, CHECK_AGAIN, 'image/jpeg', () => createReadStream(frame.file))
        }
      }
      const file = store.index.get(path)?.file
      if (file?.exists && file.identity !== undefined && path.endsWith('.blend')) {
        // The list's tag while it is the current file's (a file saved a moment ago may not be read yet).
        const tag = store.thumbnailOf(path, file.identity)
        const etag = tag !== undefined ? `"${tag}"` : identityEtag(file.identity)
        const cacheControl = tag !== undefined && request.query.v === tag ? FOR_GOOD : CHECK_AGAIN
        // What the .blend reader found when it read the file's links: no thumbnail needs no reading,
        // and a picture the client has already is not even made.
        const known = workspace.linkCache.knownFacts(file.identity)?.thumbnail
        if (known && request.headers['if-none-match'] === etag) return sendPicture(request, reply, etag, cacheControl, 'image/png', () => null)
        // Read through links that stay inside the project only (a link leading out is never read).
        const made = known === false ? null : await workspace.thumbnails.png(store.resolve(path, 'file'), file.identity)
        if (made) return sendPicture(request, reply, etag, cacheControl, 'image/png', () => made.png)
      }
      throw notFound('RFAM_NO_THUMBNAIL', say('error:no-thumbnail', { path }))
    },
  })
}
