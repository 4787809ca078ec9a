// Access control for the whole server, decided on the route Fastify matched (server/auth/access.ts):
// each route declares who may call it, and one hook checks that before the body is even read.
// Cross-site requests that change state are refused too (the cookie is also SameSite=Strict).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { User } from '../../schemas/generated/types.ts'
import { HttpError, forbidden } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { declaredAccess, type Access, type RouteEntry } from './access.ts'

export const SESSION_COOKIE = 'rfam_session'

export function tokenOf (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7).trim()
  return request.cookies?.[SESSION_COOKIE]
}

function bearer (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A state-changing request a browser sends from another site (or from a sandboxed frame or a
 * redirect, whose Origin is 'null'). Clients that are not browsers (the add-on, render nodes) send
 * neither header.
 */
function crossSite (request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site']
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true
  const origin = request.headers.origin
  if (origin === undefined) return false
  // Compared as URLs so that default ports ('example:80' and 'example') match.
  try {
    return new URL(origin).host !== new URL(`http://${request.headers.host ?? ''}`).host
  } catch {
    return true // 'null' and anything else that is not a URL
  }
}

export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', null)
  app.decorateRequest('sessionProject', null)
  app.decorateRequest('farmCredential', null)

  // Every route states who may call it; a route under /api that does not is refused at start.
  const table: RouteEntry[] = []
  app.decorate('routeTable', table)
  app.addHook('onRoute', (route) => {
    const access = declaredAccess(route)
    route.config = { ...route.config, access }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access })
  })

  app.addHook('onRequest', async (request) => {
    if (!SAFE_METHODS.has(request.method) && crossSite(request)) {
      throw forbidden('RFAM_CROSS_SITE', say('error:cross-site'))
    }
    // Unmatched requests (404, the web UI's pages) have no access of their own: they reach nothing.
    const access = request.routeOptions.config?.access as Access | undefined
    if (access === undefined || access === 'public') return
    if (access === 'farm') {
      request.farmCredential = app.farm.checkCredential(bearer(request))
      return
    }
    const user = loggedIn(app, request)
    if (access === 'staff' && !user.staff) {
      const what = request.routeOptions.config.staffOnly ?? 'do this'
      throw forbidden('RFAM_STAFF_ONLY', say('error:staff-only', { what }))
    }
    const project = (request.params as { project?: string } | undefined)?.project
    if (project !== undefined) {
      if (!user.staff && !user.projects.includes(project)) throw forbidden('RFAM_NOT_MEMBER', say('error:not-in-project', { project }))
      app.rfam.workspace.project(project) // 404 for staff asking for a project that does not exist
    }
  })
})

function loggedIn (app: FastifyInstance, request: FastifyRequest): User {
  // The session store checks the token from memory and renews it (server/auth/session-store.ts).
  const token = tokenOf(request)
  const session = token ? app.rfam.sessions.verify(token) : null
  if (!session) throw new HttpError(401, 'RFAM_LOGIN', say('error:login'))
  request.user = session.user
  request.sessionProject = session.project
  return session.user
}
