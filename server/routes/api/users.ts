// People: the list, their language, and their pictures.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { forbidden, badRequest } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'
import { avatarSvg } from '../../pictures/avatar.ts'
import { readPicture, storePicture } from '../../pictures/pictures.ts'
import { registerRoutes } from '../register-routes.ts'
import { publicUser } from './public-views.ts'
import { uploadedFile } from './uploads.ts'

export async function sendPicture (reply: FastifyReply, found: { data: Buffer, type: string } | null, name: string, seed: string) {
  reply.header('cache-control', 'private, max-age=300')
  reply.header('x-content-type-options', 'nosniff')
  if (found && found.type.startsWith('image/')) return reply.type(found.type).send(found.data)
  return reply.type('image/svg+xml').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(avatarSvg(name, seed))
}

export async function userRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, config } = app.rfam

  registerRoutes(app, {
    listUsers: async (request) => {
      const me = request.user!
      return workspace.users.all().filter((u) => me.staff || u.projects.some((p) => me.projects.includes(p))).map(publicUser)
    },

    updateUser: async (request) => {
      const me = request.user!
      const ident = request.params.user
      if (me.ident !== ident && !me.staff) throw forbidden('RFAM_NOT_YOURS', say('error:not-your-settings'))
      const { language, name } = request.body
      if (language !== undefined && language !== '' && !workspace.languages.has(language)) {
        throw badRequest('RFAM_NO_LANGUAGE', say('error:no-language-choose', { language, choices: [...workspace.languages.keys()].join(', ') }))
      }
      workspace.user(ident)
      const updated = await workspace.users.update(ident, (u) => ({ ...u, ...(language !== undefined ? { language } : {}), ...(name !== undefined ? { name } : {}) }))
      return publicUser(updated)
    },

    getUserPicture: async (request, reply) => {
      const user = workspace.user(request.params.user)
      return sendPicture(reply, user.image ? await readPicture(config.shares, user.image) : null, user.name, user.ident)
    },

    setUserPicture: async (request) => {
      const me = request.user!
      const ident = request.params.user
      if (me.ident !== ident && !me.staff) throw forbidden('RFAM_NOT_YOURS', say('error:not-your-picture'))
      workspace.user(ident)
      const image = await storePicture(config.shares, config.pictureShare, 'users', ident, await uploadedFile(request, config.maxUploadBytes))
      return publicUser(await workspace.users.update(ident, (u) => ({ ...u, image })))
    },
  })
}
