// Walks every route the server registers (app.routeTable, so a route added later is covered with
// no edit here) and attacks it from outside: no session, a member of another project, a student on
// staff routes, a session sent to the farm's routes, and the URL spelled the ways a router may
// decode or a proxy may pass on (%61pi, %2561pi, api%2f, //api, mixed case, a trailing slash,
// ';' parameters, an encoded project name). Nothing may answer with data it should not.
import t from 'tap'
import Fastify from 'fastify'
import { addOtherTeam, startTestServer, type TestServer } from '../helpers/server.ts'
import { authPlugin } from '../../server/auth/auth-plugin.ts'
import type { RouteEntry } from '../../server/auth/access.ts'
import { logIn } from '../helpers/login.ts'

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** A concrete URL for a route pattern, with the demo project and values that exist there. */
function concrete (url: string, project = 'demo'): string {
  return url
    .replace(':project', project)
    .replace(':id', '00000000-0000-4000-8000-000000000000')
    .replace(':user', 'zoe')
    .replace(':name', 'pc-1')
    .replace(':code', 'en')
    .replace('*', 'props/cake.blend')
}

/** The same request spelled otherwise: each must meet the same check, or match no route at all. */
function spellings (url: string): string[] {
  const rest = url.slice('/api'.length)
  const [first = '', ...more] = rest.split('/').filter(Boolean)
  const out = [
    `/%61pi${rest}`,
    `/%2561pi${rest}`,
    `/api%2f${rest.slice(1)}`,
    `/api%2F${rest.slice(1)}`,
    `//api${rest}`,
    `/api/${rest}`,
    `/API${rest}`,
    `/Api${rest}`,
    `/api${rest}/`,
    `/api;x=1${rest}`,
    `/api${rest};jsessionid=1`,
    `/api/${first};x=1/${more.join('/')}`,
    `/api/./${rest.slice(1)}`,
    `/api/x/..${rest}`,
    `/api/%2e%2e${rest}`,
    `/api${rest.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)}`,
    `/api${rest}?project=demo`,
    `/api${rest}#x`,
    `/api${rest}%00`,
    `/api${rest}%20`,
  ]
  return out.filter((u) => u !== url)
}

const body = (method: string) => (['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined)

async function setUp (t: { teardown: (fn: () => unknown) => void }): Promise<{ s: TestServer, index: string, cookies: Record<string, string> }> {
  const s = await startTestServer(t)
  await addOtherTeam(s)
  const index = (await s.app.inject({ url: '/' })).body
  return { s, index, cookies: { student: (await logIn(s, 'zoe')).cookie, outsider: (await logIn(s, 'olga', { project: 'other' })).cookie, staff: (await logIn(s, 'teacher', { secret: '1234' })).cookie } }
}

/** What a refused or unmatched request may answer: an error, or the web UI's page (it holds no data). */
function holdsNothing (res: { statusCode: number, body: string }, index: string): boolean {
  return res.statusCode >= 400 || (res.statusCode === 200 && res.body === index) || (res.statusCode === 200 && res.body === '')
}

t.test('every route says who may call it, and that is what happens', async (t) => {
  const { s, index, cookies } = await setUp(t)
  const routes = s.app.routeTable.filter((r) => r.url.startsWith('/api'))
  t.ok(routes.length >= 60, `the table has every API route (${routes.length})`)
  const byAccess = (a: RouteEntry['access']) => routes.filter((r) => r.access === a)
  t.ok(byAccess('public').length > 0 && byAccess('member').length > 0 && byAccess('staff').length > 0 && byAccess('farm').length > 0)

  for (const route of routes) {
    const method = route.method as Method
    const url = concrete(route.url)
    const name = `${method} ${route.url}`
    const send = (headers: Record<string, string> = {}, target = url) => s.app.inject({ method, url: target, headers, payload: body(method) })

    if (route.access === 'public') continue
    const anonymous = await send()
    t.equal(anonymous.statusCode, 401, `${name}: no session, no entry`)
    if (method !== 'HEAD') t.match(anonymous.json(), { code: route.access === 'farm' ? 'RFAM_FARM_CREDENTIAL' : 'RFAM_LOGIN' }, `${name}: says why`)

    if (route.access === 'farm') {
      const withSession = await send({ cookie: cookies.staff! })
      t.equal(withSession.statusCode, 401, `${name}: a person's session is no farm credential`)
      const asBearer = await send({ authorization: `Bearer ${cookies.staff!.split('=')[1]}` })
      t.equal(asBearer.statusCode, 401, `${name}: nor as a bearer token`)
    }
    if (route.access === 'member') {
      const outsider = await send({ cookie: cookies.outsider! })
      t.equal(outsider.statusCode, 403, `${name}: a member of another project is refused`)
      if (method !== 'HEAD') t.match(outsider.json(), { code: 'RFAM_NOT_MEMBER' })
      const encoded = await send({ cookie: cookies.outsider! }, concrete(route.url, '%64emo'))
      t.equal(encoded.statusCode, 403, `${name}: also with the project's name percent-encoded`)
      const ghost = await send({ cookie: cookies.staff! }, concrete(route.url, 'no-such-project'))
      t.equal(ghost.statusCode, 404, `${name}: staff asking for a project that does not exist get 404`)
    }
    if (route.access === 'staff') {
      const student = await send({ cookie: cookies.student! })
      t.equal(student.statusCode, 403, `${name}: a student is refused`)
      if (method !== 'HEAD') t.match(student.json(), { code: 'RFAM_STAFF_ONLY', message: /^Only staff can .+\. Ask your teacher\.$/ }, `${name}: the refusal says what only staff can do`)
    }

    for (const spelled of spellings(url)) {
      const res = await send({}, spelled)
      t.ok(holdsNothing(res, index), `${method} ${spelled}: no session, nothing (got ${res.statusCode})`)
      if (route.access === 'member') {
        const other = await send({ cookie: cookies.outsider! }, spelled)
        t.ok(holdsNothing(other, index), `${method} ${spelled}: another project's member, nothing (got ${other.statusCode})`)
      }
      if (route.access === 'staff') {
        const student = await send({ cookie: cookies.student! }, spelled)
        t.ok(holdsNothing(student, index), `${method} ${spelled}: a student on a staff route, nothing (got ${student.statusCode})`)
      }
    }
  }
  // The report's first line: %61pi reached the assets with no session.
  t.equal((await s.app.inject({ url: '/%61pi/projects/demo/assets' })).statusCode, 401)
})

t.test('the right people still get in', async (t) => {
  const { s, cookies } = await setUp(t)
  t.equal((await s.app.inject({ url: '/%61pi/projects/demo/assets', headers: { cookie: cookies.student! } })).statusCode, 200, 'a member with an odd spelling is still a member')
  t.equal((await s.app.inject({ url: '/api/projects/%64emo/assets', headers: { cookie: cookies.student! } })).statusCode, 200)
  t.equal((await s.app.inject({ url: '/api/projects/demo/assets', headers: { cookie: cookies.staff! } })).statusCode, 200, 'staff see every project')
  t.equal((await s.app.inject({ url: '/api/projects/other/assets', headers: { cookie: cookies.outsider! } })).statusCode, 200, 'her own project works')
  t.equal((await s.app.inject({ url: '/api/login-options' })).statusCode, 200, 'the log-in page needs no session')
})

t.test('a route that does not say who may call it stops the server from starting', async (t) => {
  const app = Fastify()
  await app.register(authPlugin)
  void app.register(async (routes) => { routes.get('/api/forgotten', async () => ({ secret: true })) })
  await t.rejects(async () => { await app.ready() }, /GET \/api\/forgotten says nothing about who may call it/)
  const member = Fastify()
  await member.register(authPlugin)
  void member.register(async (routes) => { routes.get('/api/things', { config: { access: 'member' } }, async () => []) })
  await t.rejects(async () => { await member.ready() }, /for project members but has no :project/)
})
