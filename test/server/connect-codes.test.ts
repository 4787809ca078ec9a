// Connect codes (server/auth/connect-codes.ts): a person logged in on the web makes one, the Blender
// add-on takes it and gets a log-in of its own for that person and project. A code works once, for
// 10 minutes, only while the web log-in that made it does; wrong codes make an address wait; the
// add-on's log-in is listed and ended like every other.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { hashSecret } from '../../server/auth/passwords.ts'
import { CODE_ALPHABET } from '../../server/auth/connect-codes.ts'
import { validator } from '../../schemas/validator.ts'
import { ManualClock } from '../../server/farm/clock.ts'
import { addOtherTeam, startTestServer } from '../helpers/server.ts'
import { logIn, type Session } from '../helpers/login.ts'

const ADDON = { 'user-agent': 'rfam-blender-addon/0.1.0 (Blender 3.4.1)' }
const MINUTE = 60_000

async function newCode (app: FastifyInstance, web: Session, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/api/addon/codes', headers: { cookie: web.cookie, ...headers } })
  return { status: res.statusCode, body: res.json() }
}

function connect (app: FastifyInstance, code: string, address = '127.0.0.1') {
  return app.inject({ method: 'POST', url: '/api/addon/connect', headers: ADDON, remoteAddress: address, payload: { code } })
}

async function whoIs (app: FastifyInstance, token: string) {
  const res = await app.inject({ url: '/api/session', headers: { authorization: `Bearer ${token}` } })
  return res.statusCode === 200 ? res.json().user.ident as string : res.statusCode
}

t.test('a code: made on the web, taken once by the add-on, which gets a log-in of its own', async (t) => {
  const s = await startTestServer(t)
  const mia = await logIn(s, 'mia')
  t.equal((await mia.api('GET', '/api/addon')).body.connected, false, 'not connected before')

  const made = await newCode(s.app, mia, { host: '192.168.1.10:8080' })
  t.equal(made.status, 201)
  t.equal(validator().check('api-connect-code.schema.json', made.body), null, 'a valid ConnectCode')
  t.match(made.body.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/)
  t.notMatch(made.body.code, /[01OIL]/, 'no look-alikes')
  t.equal(made.body.seconds, 600, 'it works for 10 minutes')
  t.equal(made.body.server, 'http://192.168.1.10:8080', 'with the address the browser reached the server at')

  const res = await connect(s.app, made.body.code)
  t.equal(res.statusCode, 200)
  t.equal(validator().check('api-session.schema.json', res.json()), null, 'the reply is a Session, as for a log-in')
  t.match(res.json(), { user: { ident: 'mia', name: 'Mia Chen' }, project: { ident: 'demo', name: 'The Cake Heist' } })
  t.notOk(res.headers['set-cookie'], 'no cookie: the add-on keeps the token')
  const token = String(res.headers['x-rfam-token'])
  t.not(token, mia.token, 'a token of its own, not the web log-in\'s')
  t.equal(await whoIs(s.app, token), 'mia', 'the token works as a bearer token')
  t.equal(await whoIs(s.app, mia.token), 'mia', 'and the web log-in goes on')

  const again = await connect(s.app, made.body.code)
  t.equal(again.statusCode, 401, 'a code works once')
  t.match(again.json(), { code: 'RFAM_CODE_WRONG', message: /Get a new one on RFAM's website/ })

  const list = (await mia.api('GET', '/api/users/mia/sessions')).body
  t.equal(list.sessions.length, 2)
  t.match(list.sessions.find((x: { current: boolean }) => !x.current), { client: 'Blender add-on', project: 'demo' }, 'the add-on is listed with her log-ins')
  const status = (await mia.api('GET', '/api/addon')).body
  t.equal(status.connected, true, 'and the page knows she is connected')
  t.ok(Date.parse(status.lastConnected) >= Date.parse(made.body.expires) - 600_000, 'since the code was made (the page waits for that)')
})

t.test('codes are typed loosely; a new one replaces the last; nobody logged out can make one', async (t) => {
  const s = await startTestServer(t)
  const alex = await logIn(s, 'alex')
  const loose = (await newCode(s.app, alex)).body.code as string
  t.equal((await connect(s.app, ` ${loose.replace('-', ' ').toLowerCase()} `)).statusCode, 200, 'lower case, a space for the dash, spaces around')
  const first = (await newCode(s.app, alex)).body.code as string
  const second = (await newCode(s.app, alex)).body.code as string
  t.not(first, second)
  t.equal((await connect(s.app, first)).statusCode, 401, 'the replaced code no longer works')
  t.equal((await connect(s.app, second.replace('-', ''))).statusCode, 200, 'the new one does, without its dash too')
  t.equal(s.app.rfam.connectCodes.size, 0, 'no code is left behind')

  const anonymous = await s.app.inject({ method: 'POST', url: '/api/addon/codes' })
  t.equal(anonymous.statusCode, 401, 'only a logged-in person gets a code')
  t.equal((await s.app.inject({ method: 'POST', url: '/api/addon/connect', payload: {} })).statusCode, 400, 'a request without a code is refused')
})

t.test('a code runs out after 10 minutes', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock })
  const zoe = await logIn(s, 'zoe')
  const early = (await newCode(s.app, zoe)).body
  t.equal(early.expires, new Date(clock.now() + 10 * MINUTE).toISOString())
  clock.advance(10 * MINUTE - 1000)
  t.equal((await connect(s.app, early.code)).statusCode, 200, 'a second early: it works')
  const late = (await newCode(s.app, zoe)).body.code
  clock.advance(10 * MINUTE)
  const res = await connect(s.app, late)
  t.equal(res.statusCode, 401, 'after 10 minutes: refused')
  t.equal(res.json().code, 'RFAM_CODE_WRONG')
})

t.test('a student\'s code gives that student\'s log-in, to their project, and nothing more', async (t) => {
  const s = await startTestServer(t)
  await addOtherTeam(s)
  const olga = await logIn(s, 'olga', { project: 'other' })
  await logIn(s, 'teacher', { secret: '1234' }) // staff logged in at the same time change nothing
  const res = await connect(s.app, (await newCode(s.app, olga)).body.code)
  t.match(res.json(), { user: { ident: 'olga', staff: false }, project: { ident: 'other', name: 'Other Team' } })
  const bearer = { authorization: `Bearer ${String(res.headers['x-rfam-token'])}` }
  const get = async (url: string) => (await s.app.inject({ url, headers: bearer })).statusCode
  t.equal(await get('/api/projects/other/assets'), 200, 'her project')
  t.equal(await get('/api/projects/demo/assets'), 403, 'not another team\'s')
  t.equal(await get('/api/users/mia/sessions'), 403, 'not another person\'s log-ins')
  t.equal(await get('/api/problems'), 403, 'nothing for staff')
})

t.test('the add-on\'s log-in ends like any other; a code ends with the web log-in that made it', async (t) => {
  const s = await startTestServer(t)
  const leo = await logIn(s, 'leo')
  const res = await connect(s.app, (await newCode(s.app, leo)).body.code)
  const addon = String(res.headers['x-rfam-token'])
  const pending = (await newCode(s.app, leo)).body.code
  const everywhere = await leo.api('DELETE', '/api/users/leo/sessions')
  t.equal(everywhere.body.ended, 2, '"Log out everywhere" ends the web log-in and the add-on\'s')
  t.equal(await whoIs(s.app, addon), 401, 'the add-on is logged out')
  t.equal((await connect(s.app, pending)).statusCode, 401, 'and the code made meanwhile no longer works')

  const again = await logIn(s, 'leo')
  const code = (await newCode(s.app, again)).body.code
  await again.api('DELETE', '/api/session')
  t.equal((await connect(s.app, code)).statusCode, 401, 'logging out on the web ends the code too')

  // A PIN set after the code was made: the code no longer logs anyone in without it.
  const third = await logIn(s, 'leo')
  const beforePin = (await newCode(s.app, third)).body.code
  const file = join(s.config.usersDir, 'leo.json')
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), secret: await hashSecret('4321') }))
  s.app.rfam.workspace.users.reload()
  t.equal((await connect(s.app, beforePin)).statusCode, 401, 'a changed PIN ends the code')

  // Staff log someone out everywhere: the same for the add-on.
  const fourth = await logIn(s, 'mia')
  const mias = String((await connect(s.app, (await newCode(s.app, fourth)).body.code)).headers['x-rfam-token'])
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  t.equal((await teacher.api('DELETE', '/api/users/mia/sessions')).status, 200)
  t.equal(await whoIs(s.app, mias), 401, 'staff ended her add-on log-in')
})

t.test('guessing codes: an address must wait after 20 wrong ones, said in a sentence; other addresses go on', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock })
  const sam = await logIn(s, 'sam')
  const right = (await newCode(s.app, sam)).body.code as string
  const guess = (i: number) => [...'ABCDEFGH'].map((_, j) => CODE_ALPHABET[(i * 7 + j * 3) % CODE_ALPHABET.length]).join('')
  const statuses: number[] = []
  let last
  for (let i = 0; i < 24; i++) {
    last = await connect(s.app, guess(i), '10.0.0.66')
    statuses.push(last.statusCode)
  }
  t.same(statuses.slice(0, 21), Array(21).fill(401), 'twenty free wrong tries (and the next is still checked)')
  t.same(new Set(statuses.slice(21)), new Set([429]), 'then every try must wait')
  t.equal(last!.headers['retry-after'], '1')
  t.match(last!.json(), { code: 'RFAM_LOGIN_WAIT', message: 'Too many wrong tries. Wait 1 second, then try again.' })
  t.equal((await connect(s.app, right, '10.0.0.66')).statusCode, 429, 'the right code waits too: nothing is checked')
  t.equal((await connect(s.app, 'nonsense', '10.0.0.66')).statusCode, 429, 'as does something that is no code at all')

  t.equal((await connect(s.app, right, '10.0.0.7')).statusCode, 200, 'a classmate at another address is not held up')
  const wrongPins = await s.app.inject({ method: 'POST', url: '/api/session', remoteAddress: '10.0.0.66', payload: { project: 'demo', user: 'sam' } })
  t.equal(wrongPins.statusCode, 200, 'log-ins from the guessing address are a count of their own')
  clock.advance(1000)
  t.equal((await connect(s.app, guess(99), '10.0.0.66')).statusCode, 401, 'after the wait, the next try is checked')
  t.equal((await connect(s.app, guess(98), '10.0.0.66')).statusCode, 429, 'and a wrong one doubles the wait')
  t.equal((await connect(s.app, right, '10.0.0.66')).statusCode, 429)
})
