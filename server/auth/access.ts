// Who may call a route, declared on the route itself (`config: { access }`) and checked on the
// route Fastify matched, never on the URL's text: '/%61pi/…', '/api/projects/%64emo/…' and any
// other spelling the router decodes reach the same route and meet the same check.
import type { RouteOptions } from 'fastify'

/**
 * - public: anybody, no session (the log-in page, pictures on it, the version).
 * - user: anybody logged in.
 * - member: logged in and in the route's :project (staff are in every project).
 * - staff: logged-in staff.
 * - farm: a render node or prenode with a farm credential (Authorization: Bearer).
 */
export const ACCESS_LEVELS = ['public', 'user', 'member', 'staff', 'farm'] as const
export type Access = typeof ACCESS_LEVELS[number]

/** A route as registered: what the route-table test walks (every route, whoever added it). */
export interface RouteEntry { method: string, url: string, access: Access }

/**
 * The access a route declares; fails at start-up for an API route that declares none (or one that
 * cannot be checked), so no route is ever open by omission. Other routes (the web UI's files) are public.
 */
export function declaredAccess (route: Pick<RouteOptions, 'method' | 'url' | 'config'>): Access {
  const access = (route.config as { access?: unknown } | undefined)?.access
  const name = `${String(route.method)} ${route.url}`
  if (access === undefined) {
    if (route.url.startsWith('/api')) throw new Error(`Route ${name} says nothing about who may call it: give it config.access (${ACCESS_LEVELS.join(', ')}).`)
    return 'public'
  }
  if (!ACCESS_LEVELS.includes(access as Access)) throw new Error(`Route ${name} has access "${String(access)}"; use one of ${ACCESS_LEVELS.join(', ')}.`)
  if (access === 'member' && !/(^|\/):project(\/|$)/.test(route.url)) throw new Error(`Route ${name} is for project members but has no :project in its path.`)
  return access as Access
}
