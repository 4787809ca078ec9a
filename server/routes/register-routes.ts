// Registers route handlers against the route contract (schemas/routes/*.routes.json, generated into
// schemas/generated/routes.ts). The contract gives each route its method, path, access and schemas; a
// route file gives only handlers, keyed by route id and typed by the contract. Adding an endpoint is
// one contract entry and one handler.
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import { routes, type RouteId, type RouteTypes } from '../../schemas/generated/routes.ts'
import { pathParams, type ServerRoute } from '../../schemas/route-spec.ts'
import type { RouteEntry } from '../auth/access.ts'

type Generic<I extends RouteId> = Pick<RouteTypes[I], 'Params' | 'Querystring' | 'Body'>

/** A handler answers with its route's reply type, or sends through `reply` itself (204, pictures, cached JSON). */
export type RouteHandler<I extends RouteId> =
  (request: FastifyRequest<Generic<I>>, reply: FastifyReply) => Promise<RouteTypes[I]['Reply'] | FastifyReply | undefined>

export type Handlers<I extends RouteId> = { [K in I]: RouteHandler<K> }

const byId = new Map<string, ServerRoute>(routes.map((r) => [r.id, r]))

/**
 * Validation as the contract says: path parameters it checks closely, the query, the JSON body.
 * The reply goes through its schema only where the contract says that is safe (`serialize`):
 * fast-json-stringify drops every field the schema does not list.
 */
export function routeSchema (route: ServerRoute): FastifySchema | undefined {
  const schema: FastifySchema = {}
  if (route.params) {
    const names = pathParams(route.path)
    schema.params = { type: 'object', properties: Object.fromEntries(names.map((n) => [n, route.params![n] ?? { type: 'string' }])), required: names }
  }
  if (route.query) schema.querystring = route.query
  if (route.body) schema.body = route.body
  if (route.reply?.serialize) schema.response = { [route.reply.status ?? 200]: route.reply.schema }
  return Object.keys(schema).length > 0 ? schema : undefined
}

/** Registers each handler on its contract route; a handler whose id the contract lacks stops the start. */
export function registerRoutes<I extends RouteId> (app: FastifyInstance, handlers: Handlers<I>): void {
  for (const [id, handler] of Object.entries(handlers) as Array<[string, RouteHandler<RouteId>]>) {
    const route = byId.get(id)
    if (!route) throw new Error(`The handler "${id}" has no route in the contract: describe it in schemas/routes/*.routes.json, then run \`npm run gen\`.`)
    app.route({
      method: route.method,
      url: route.path,
      config: { access: route.access, staffOnly: route.staffOnly, routeId: route.id },
      schema: routeSchema(route),
      handler: handler as never,
    })
  }
}

/** API routes Fastify knows that the contract lacks, and contract routes Fastify does not know. */
export function routeTableMismatches (table: readonly RouteEntry[], contract: readonly ServerRoute[] = routes): { unlisted: string[], missing: string[] } {
  const listed = new Set(contract.map((r) => `${r.method} ${r.path}`))
  const known = new Set(table.map((r) => `${r.method} ${r.url}`))
  const unlisted = table
    .filter((r) => r.url.startsWith('/api') && !listed.has(`${r.method} ${r.url}`))
    // Fastify adds a HEAD route beside each GET: the GET is what is named.
    .filter((r) => !(r.method === 'HEAD' && known.has(`GET ${r.url}`)))
    .map((r) => `${r.method} ${r.url}`)
  const missing = contract.filter((r) => !known.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path} (${r.id})`)
  return { unlisted: [...new Set(unlisted)], missing }
}

/** Throws, naming each, when the routes Fastify knows and the contract disagree (checked as the server starts). */
export function checkRouteTable (table: readonly RouteEntry[], contract: readonly ServerRoute[] = routes): void {
  const { unlisted, missing } = routeTableMismatches(table, contract)
  const problems = [
    ...unlisted.map((r) => `${r} is not in the route contract: describe it in schemas/routes/*.routes.json and register its handler with registerRoutes().`),
    ...missing.map((r) => `${r} is in the route contract but has no handler: add one with registerRoutes().`),
  ]
  if (problems.length > 0) throw new Error(problems.join('\n'))
}
