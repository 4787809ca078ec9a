// The Blender add-on: its zip built for this server, and connect codes, with which the add-on logs
// in as the person who made the code (server/auth/connect-codes.ts) without anyone typing an address,
// a project or a user name.
import type { FastifyInstance } from 'fastify'
import { tokenOf } from '../../auth/auth-plugin.ts'
import { ADDON_CLIENT, clientName } from '../../auth/client-name.ts'
import { sessionId } from '../../auth/session-store.ts'
import { CODE_MINUTES, wrongCode } from '../../auth/connect-codes.ts'
import { HttpError } from '../../errors.ts'
import { registerRoutes } from '../register-routes.ts'
import { addressSeen, ServedAddon } from './addon-zip.ts'
import { publicProject, publicUser } from './public-views.ts'

export async function addonRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, sessions, connectCodes, config } = app.rfam
  const served = new ServedAddon()

  registerRoutes(app, {
    getAddonStatus: async (request) => {
      const addons = sessions.forUser(request.user!.ident).filter((s) => s.record.client === ADDON_CLIENT)
      const newest = Math.max(...addons.map((s) => s.created))
      return {
        connected: addons.length > 0,
        ...(addons.length > 0 ? { lastConnected: new Date(newest).toISOString() } : {}),
        server: addressSeen(request, config.publicUrl),
        version: served.version,
      }
    },

    downloadAddon: async (request, reply) => {
      const zip = served.zipFor(addressSeen(request, config.publicUrl))
      return reply
        .type('application/zip')
        .header('content-disposition', 'attachment; filename="rfam-addon.zip"')
        .header('cache-control', 'no-store')
        .send(zip)
    },

    createConnectCode: async (request, reply) => {
      const server = addressSeen(request, config.publicUrl)
      const { code, expires } = connectCodes.create(request.user!.ident, sessionId(tokenOf(request) ?? ''))
      return reply.code(201).send({ code, expires: new Date(expires).toISOString(), seconds: CODE_MINUTES * 60, server })
    },

    connectAddon: async (request, reply) => {
      const web = connectCodes.take(request.body.code, request.ip, (id) => sessions.byId(id), reply)
      const user = web.user
      const project = workspace.projects.get(web.project)
      if (!project) throw wrongCode()
      if (!user.projects.includes(project.ident) && !user.staff) {
        throw new HttpError(403, 'RFAM_NOT_MEMBER', `${user.name} is not in ${project.name} any more: log in on RFAM's website again, then get a new code.`)
      }
      const { token, session } = await sessions.create(user, project.ident, { client: clientName(request.headers['user-agent']), address: request.ip })
      reply.header('x-rfam-token', token)
      return { user: publicUser(user), project: publicProject(project), expires: new Date(sessions.expires(session)).toISOString() }
    },
  })
}
