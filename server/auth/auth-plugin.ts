// Log-in enforcement for the whole API: every /api route needs a valid session unless it is
// marked public, and a route with a :project parameter needs the caller to be in that project.
// Cross-site requests that change state are refused (the cookie is also SameSite=Strict).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError, forbidden } from '../errors.ts'

export const SESSION_COOKIE = 'rfam_session'

export function tokenOf (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7).trim()
  return request.cookies?.[SESSION_COOKIE]
}

export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', null)
  app.decorateRequest('sessionProject', null)

  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return
    const origin = request.headers.origin
    if (origin && origin !== 'null') {
      // Compared as URLs so that default ports ('example:80' and 'example') match.
      let same = false
      try { same = new URL(origin).host === new URL(`http://${request.headers.host ?? ''}`).host } catch {}
      if (!same) throw forbidden('RFAM_CROSS_SITE', 'Requests from other web sites are refused.')
    }
  })

  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return
    const { workspace, tokens } = app.rfam
    const token = tokenOf(request)
    const claims = token ? tokens.verify(token) : null
    const user = claims ? workspace.users.get(claims.user) : undefined
    if (!claims || !user) throw new HttpError(401, 'RFAM_LOGIN', 'Please log in (your session is missing or has expired).')
    request.user = user
    request.sessionProject = claims.project
    const project = (request.params as { project?: string } | undefined)?.project
    if (project !== undefined) {
      if (!user.staff && !user.projects.includes(project)) throw forbidden('RFAM_NOT_MEMBER', `You are not in the project "${project}".`)
      workspace.project(project)
    }
  })
})
