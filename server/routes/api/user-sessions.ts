// A person's log-ins: they (and staff) see where they are logged in and can end them all; staff see
// whether wrong PINs make the person wait, and can unlock them.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { tokenOf } from '../../auth/auth-plugin.ts'
import { sessionId } from '../../auth/session-store.ts'
import { forbidden } from '../../errors.ts'
import { say, type Said } from '../../../common/sentences.ts'
import { registerRoutes } from '../register-routes.ts'

type UserParams = { Params: { user: string } }

export async function userSessionRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, sessions, logins } = app.rfam

  /** The person named in the path, when the caller is that person or staff. */
  function ownOrStaff (request: FastifyRequest<UserParams>, refusal: Said): string {
    const me = request.user!
    const ident = request.params.user
    if (me.ident !== ident && !me.staff) throw forbidden('RFAM_NOT_YOURS', refusal)
    return workspace.user(ident).ident
  }

  registerRoutes(app, {
    listUserSessions: async (request) => {
      const ident = ownOrStaff(request, say('error:not-your-sessions'))
      const current = sessionId(tokenOf(request) ?? '')
      return {
        sessions: sessions.forUser(ident).map((s) => ({
          project: s.record.project,
          created: s.record.created,
          lastUsed: new Date(s.lastUsed).toISOString(),
          expires: new Date(sessions.expires(s)).toISOString(),
          client: s.record.client ?? 'Unknown program',
          ...(s.record.address ? { address: s.record.address } : {}),
          current: s.id === current,
        })),
        ...logins.throttle.state(ident),
      }
    },

    endUserSessions: async (request) => {
      const ident = ownOrStaff(request, say('error:not-your-logout'))
      return { ended: await sessions.endAllOf(ident) }
    },

    unlockUser: async (request, reply) => {
      logins.throttle.unlock(workspace.user(request.params.user).ident)
      return reply.code(204).send()
    },
  })
}
