import t from 'tap'
import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addOtherTeam, startTestServer } from '../helpers/server.ts'
import { hashSecret } from '../../server/auth/passwords.ts'
import { logIn } from '../helpers/login.ts'

t.test('log-in: pick project, pick yourself, PIN where set; the session is an HttpOnly cookie', async (t) => {
  const s = await startTestServer(t)
  const options = (await s.app.inject({ url: '/api/login-options' })).json()
  t.same(options.projects.map((p: { ident: string }) => p.ident), ['demo'])
  const teacher = options.users.find((u: { ident: string }) => u.ident === 'teacher')
  t.same(Object.keys(teacher).sort(), ['ident', 'name', 'picture', 'projects'], 'a face says nothing more')
  t.notMatch(JSON.stringify(options), /staff|hasSecret/, 'strangers are not told who is staff, nor who has a PIN')
  t.notMatch(JSON.stringify(options), /scrypt/, 'no password hash ever leaves the server')

  // Picking the face tells the log-in page that a PIN is needed.
  const noPin = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'teacher' } })
  t.equal(noPin.statusCode, 401)
  t.equal(noPin.json().code, 'RFAM_SECRET_NEEDED')
  t.match(noPin.json().message, /password or PIN/)
  const wrong = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'teacher', secret: '9999' } })
  t.equal(wrong.statusCode, 401)
  const right = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'teacher', secret: '1234' } })
  t.equal(right.statusCode, 200)
  const cookie = right.cookies.find((c) => c.name === 'rfam_session')!
  t.equal(cookie.httpOnly, true)
  t.equal(cookie.sameSite, 'Strict')
  t.ok(cookie.expires && cookie.expires.getTime() > Date.now() + 3600_000, 'the cookie outlives the browser session (the original misspelled Expire)')

  const me = await s.app.inject({ url: '/api/session', headers: { cookie: `rfam_session=${cookie.value}` } })
  t.equal(me.json().user.ident, 'teacher')
  const bearer = await s.app.inject({ url: '/api/session', headers: { authorization: `Bearer ${right.headers['x-rfam-token']}` } })
  t.equal(bearer.json().user.ident, 'teacher', 'the add-on can send the same token as a bearer token')

  const forged = cookie.value.slice(0, -2) + (cookie.value.endsWith('AA') ? 'BB' : 'AA')
  t.equal((await s.app.inject({ url: '/api/session', headers: { cookie: `rfam_session=${forged}` } })).statusCode, 401, 'a tampered cookie is refused')
  const madeUp = Buffer.from(JSON.stringify({ user: 'teacher', project: 'demo', exp: Date.now() + 1e9 })).toString('base64url') + '.x'
  t.equal((await s.app.inject({ url: '/api/session', headers: { cookie: `rfam_session=${madeUp}` } })).statusCode, 401, 'a made-up token is refused')
  t.equal((await s.app.inject({ url: '/api/session', headers: { cookie: 'user=teacher; project=demo' } })).statusCode, 401, 'the original\'s plain cookies mean nothing')
  const out = await s.app.inject({ method: 'DELETE', url: '/api/session' })
  t.equal(out.statusCode, 204)
  t.match(String(out.headers['set-cookie']), /rfam_session=;/)
})

t.test('project membership is enforced on every call', async (t) => {
  const s = await startTestServer(t)
  await addOtherTeam(s)
  const refused = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'olga' } })
  t.equal(refused.statusCode, 403, 'you cannot log in to a project you are not in')
  t.match(refused.json().message, /not in The Cake Heist/)
  const { cookie } = await logIn(s, 'olga', { project: 'other' })
  for (const [method, url] of [['GET', '/api/projects/demo/assets'], ['GET', '/api/projects/demo/todo'], ['PATCH', '/api/projects/demo/assets/props/cake.blend'], ['GET', '/api/projects/demo/events'], ['GET', '/api/projects/demo/credits'], ['POST', '/api/projects/demo/checkpoints/props/cake.blend']]) {
    const res = await s.app.inject({ method: method as 'GET', url, headers: { cookie }, payload: method === 'PATCH' ? { state: 'ic' } : undefined })
    t.equal(res.statusCode, 403, `${method} ${url}`)
  }
  t.equal((await s.app.inject({ url: '/api/projects/other/assets', headers: { cookie } })).statusCode, 200, 'her own project works')
  t.equal((await s.app.inject({ url: '/api/projects/demo/assets' })).statusCode, 401, 'nobody logged in: 401')
  const users = (await s.app.inject({ url: '/api/users', headers: { cookie } })).json()
  t.same(users.map((u: { ident: string }) => u.ident), ['olga'], 'people of other projects are not listed')
})

t.test('cross-site requests that change state are refused', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const res = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie, origin: 'https://evil.example', host: 'localhost:80' }, payload: { state: 'ic' } })
  t.equal(res.statusCode, 403)
  const same = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' }, payload: { state: 'ic' } })
  t.equal(same.statusCode, 200)
})

t.test('staff can add people to a project; others cannot; settings are per person', async (t) => {
  const s = await startTestServer(t)
  writeFileSync(join(s.config.usersDir, 'newbie.json'), JSON.stringify({ ident: 'newbie', name: 'New Person', projects: [] }))
  s.app.rfam.workspace.users.reload()
  const student = (await logIn(s, 'alex')).cookie
  t.equal((await s.app.inject({ method: 'POST', url: '/api/projects/demo/members', headers: { cookie: student }, payload: { user: 'newbie' } })).statusCode, 403)
  const staff = (await logIn(s, 'teacher', { secret: '1234' })).cookie
  t.equal((await s.app.inject({ method: 'POST', url: '/api/projects/demo/members', headers: { cookie: staff }, payload: { user: 'newbie' } })).statusCode, 204)
  t.same(JSON.parse(readFileSync(join(s.config.usersDir, 'newbie.json'), 'utf8')).projects, ['demo'], 'the user file on disk says so')
  const lang = await s.app.inject({ method: 'PATCH', url: '/api/users/alex', headers: { cookie: student }, payload: { language: 'xx' } })
  t.equal(lang.statusCode, 400)
  t.equal((await s.app.inject({ method: 'PATCH', url: '/api/users/mia', headers: { cookie: student }, payload: { name: 'Hacked' } })).statusCode, 403)
  t.equal((await s.app.inject({ method: 'PATCH', url: '/api/users/alex', headers: { cookie: student }, payload: { language: 'en' } })).json().language, 'en')
})

t.test('passwords are scrypt hashes that verify', async (t) => {
  const { verifySecret } = await import('../../server/auth/passwords.ts')
  const h = await hashSecret('correct horse')
  t.match(h, /^scrypt\$16384\$8\$1\$/)
  t.equal(await verifySecret('correct horse', h), true)
  t.equal(await verifySecret('wrong', h), false)
  t.equal(await verifySecret('x', 'md5$abc'), false)
})
