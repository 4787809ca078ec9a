// PINs given by staff: a new six-digit PIN made by the server and shown once (only its hash is kept),
// or none at all. Either ends every log-in the person had (the session store notices the new hash)
// and forgets their wrong tries, so they can log in at once with the new one.
import { randomInt } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { hashSecret } from '../../auth/passwords.ts'
import { registerRoutes } from '../register-routes.ts'
import { publicUser } from './public-views.ts'

/** Six digits, every one as likely (leading zeros kept). */
export function newPin (): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

export async function userPinRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, sessions, logins } = app.rfam

  const setSecret = async (ident: string, secret: string | undefined) => {
    workspace.user(ident)
    const updated = await workspace.users.update(ident, (u) => {
      const next = { ...u }
      if (secret) next.secret = secret
      else delete next.secret
      return next
    })
    logins.throttle.unlock(ident)
    await sessions.sweep()
    return updated
  }

  registerRoutes(app, {
    giveUserPin: async (request) => {
      const pin = newPin()
      const user = await setSecret(request.params.user, await hashSecret(pin))
      return { user: publicUser(user), pin }
    },

    removeUserPin: async (request) => publicUser(await setSecret(request.params.user, undefined)),
  })
}
