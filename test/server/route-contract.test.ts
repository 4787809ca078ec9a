// Every API route Fastify knows is in the route contract (schemas/routes/*.routes.json) and every
// contract route is registered, with the access and schemas the contract gives it. A route added
// without a contract entry, or a contract entry without a handler, stops the server from starting.
import t from 'tap'
import { checkRouteTable, registerRoutes, routeSchema, routeTableMismatches } from '../../server/routes/register-routes.ts'
import { routes } from '../../schemas/generated/routes.ts'
import type { RouteEntry } from '../../server/auth/access.ts'
import { validator } from '../../schemas/validator.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'

t.test('the routes Fastify knows are exactly the contract', async (t) => {
  const { app } = await startTestServer(t, { demo: false })
  t.same(routeTableMismatches(app.routeTable), { unlisted: [], missing: [] }, 'no route outside the contract, no contract route without a handler')
  const api = app.routeTable.filter((r) => r.url.startsWith('/api') && r.method !== 'HEAD')
  t.equal(api.length, routes.length, `${routes.length} routes`)
  for (const route of routes) {
    const found = app.routeTable.find((r) => r.method === route.method && r.url === route.path)
    t.equal(found?.access, route.access, `${route.id}: ${route.method} ${route.path} is for ${route.access}`)
  }
  // What a request reaches carries its contract id (the access check reads the same config).
  const version = await app.inject({ url: '/api/version' })
  t.equal(version.statusCode, 200)
})

t.test('a route added without a contract entry stops the server from starting, named', async (t) => {
  await t.rejects(startTestServer(t, {
    demo: false,
    beforeReady: (app) => app.get('/api/extra', { config: { access: 'user' } }, async () => ({ hidden: true })),
  }), /GET \/api\/extra is not in the route contract/)
})

t.test('a contract route without a handler is named', async (t) => {
  const table: RouteEntry[] = routes.filter((r) => r.id !== 'getVersion').map((r) => ({ method: r.method, url: r.path, access: r.access }))
  t.same(routeTableMismatches(table).missing, ['GET /api/version (getVersion)'])
  t.throws(() => checkRouteTable(table), /GET \/api\/version \(getVersion\) is in the route contract but has no handler/)
  const withExtra = [...table, { method: 'GET', url: '/api/version', access: 'public' as const }, { method: 'DELETE', url: '/api/everything', access: 'staff' as const }]
  t.same(routeTableMismatches(withExtra), { unlisted: ['DELETE /api/everything'], missing: [] })
  t.same(routeTableMismatches([...withExtra, { method: 'HEAD', url: '/api/version', access: 'public' }]).unlisted, ['DELETE /api/everything'], 'the HEAD route Fastify adds beside a GET is fine')
})

t.test('a handler whose id the contract lacks stops the start', async (t) => {
  await startTestServer(t, {
    demo: false,
    beforeReady: (app) => t.throws(() => registerRoutes(app, { getVersionTwice: async () => undefined } as never), /The handler "getVersionTwice" has no route in the contract/),
  })
})

t.test('schemas come from the contract: params checked closely, the query, the body, a serialized reply', async (t) => {
  const byId = (id: string) => routes.find((r) => r.id === id)!
  t.same(routeSchema(byId('getJob')), {
    params: { type: 'object', properties: { project: { type: 'string' }, id: { $ref: 'common.schema.json#/$defs/Uuid', description: 'The job\'s id.' } }, required: ['project', 'id'] },
    response: { 200: { $ref: 'api-job-view.schema.json#' } },
  })
  t.same(routeSchema(byId('createAsset')), { body: { $ref: 'api-asset-create.schema.json#' }, response: { 201: { $ref: 'api-asset-view.schema.json#' } } })
  t.equal(routeSchema(byId('logOut')), undefined, 'nothing to check')
  t.match(routeSchema(byId('getTodo')), { querystring: { additionalProperties: false, properties: { user: { $ref: 'common.schema.json#/$defs/Ident' } } } })
  t.notOk(routeSchema(byId('listAssets'))?.response, 'a cached JSON reply is not serialized again')
})

t.test('replies the server does not serialize still match their contract schemas', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const { cookie } = await logIn(s, 'alex')
  const check = (id: string, schema: string, data: unknown) => t.equal(validator().check(schema, data), null, `${id} answers a ${schema}`)
  const json = async (method: string, url: string) => {
    const res = await s.app.inject({ method: method as 'GET', url, headers: { cookie } })
    t.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode}`)
    return res.json() as unknown
  }
  // Every JSON reply the contract does not serialize, with the schema it names.
  const unserialized = routes.filter((r) => r.reply?.schema && !r.reply.serialize && r.reply.media !== 'events' && r.access !== 'farm')
  t.same(unserialized.map((r) => r.id).sort(), ['checkpointAsset', 'getCredits', 'getTeam', 'getTodo', 'listAssets', 'listLanguages', 'setUserPicture'])
  check('listLanguages', 'api-language-list.schema.json', await json('GET', '/api/languages'))
  check('getTodo', 'api-todo.schema.json', await json('GET', '/api/projects/demo/todo'))
  check('getTeam', 'api-team.schema.json', await json('GET', '/api/projects/demo/team'))
  check('getCredits', 'api-credits.schema.json', await json('GET', '/api/projects/demo/credits?format=json'))
  check('listAssets', 'api-asset-list.schema.json', await json('GET', '/api/projects/demo/assets'))
  check('checkpointAsset', 'api-checkpoint.schema.json', await json('POST', '/api/projects/demo/checkpoints/props/cake.blend'))
  // setUserPicture (an upload, tested in pictures.test.ts) answers publicUser(), as updateUser does through its schema.

  // The events' data: one change, read from a real connection.
  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const res = await fetch(`${s.url}/api/projects/demo/events`, { headers: { cookie }, signal: controller.signal })
  const reader = res.body!.getReader()
  await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie }, payload: { rating: 4 } })
  let text = ''
  while (!/event: change\ndata: .*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value)
  check('projectEvents', 'api-live-changes.schema.json', JSON.parse(/event: change\ndata: (.*)\n\n/.exec(text)![1]!))
})
