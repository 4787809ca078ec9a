// Log-ins the server can end: each is a record in <secrets>/sessions (the token's hash, never the
// token), ended by logging out, by staff ("log out everywhere"), by a removed user file, by a changed
// password or PIN, or by going unused for sessionHours (each use renews it, up to sessionMaxDays).
import t from 'tap'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { hashSecret } from '../../server/auth/passwords.ts'
import { validator } from '../../schemas/validator.ts'
import { startTestServer } from '../helpers/server.ts'
import { ManualClock } from '../../server/farm/clock.ts'
import { until } from '../helpers/until.ts'
import { logIn } from '../helpers/login.ts'

const HOUR = 3600_000

const asCookie = (token: string) => ({ cookie: `rfam_session=${token}` })
const asBearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function whoami (app: FastifyInstance, headers: Record<string, string>) {
  const res = await app.inject({ url: '/api/session', headers })
  return { status: res.statusCode, body: res.statusCode === 200 ? res.json() : res.json() }
}

function sessionFiles (secretsDir: string): string[] {
  const dir = join(secretsDir, 'sessions')
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')).sort() : []
}

const fileOf = (token: string) => `${createHash('sha256').update(token).digest('hex')}.json`

t.test('logging out ends the token at once: for the cookie and for a copy used as a bearer token', async (t) => {
  const s = await startTestServer(t)
  const { token, cookie } = await logIn(s.app, 'mia')
  t.equal(cookie, `rfam_session=${token}`, 'the cookie and the add-on\'s token are one token')
  t.equal((await whoami(s.app, asCookie(token))).status, 200)
  t.equal((await whoami(s.app, asBearer(token))).status, 200)

  const out = await s.app.inject({ method: 'DELETE', url: '/api/session', headers: asCookie(token) })
  t.equal(out.statusCode, 204)
  t.match(String(out.headers['set-cookie']), /rfam_session=;/)
  const cookieAfter = await whoami(s.app, asCookie(token))
  t.equal(cookieAfter.status, 401, 'the cookie no longer works')
  t.equal(cookieAfter.body.code, 'RFAM_LOGIN')
  t.equal((await whoami(s.app, asBearer(token))).status, 401, 'nor does a copy of it sent as a bearer token')
  t.equal((await s.app.inject({ url: '/api/projects/demo/assets', headers: asBearer(token) })).statusCode, 401, 'nor for anything else')
  t.same(sessionFiles(s.config.secretsDir), [], 'its record is gone from the disk')

  // The add-on logs out with its bearer token.
  const addon = await logIn(s.app, 'mia')
  t.equal((await s.app.inject({ method: 'DELETE', url: '/api/session', headers: asBearer(addon.token) })).statusCode, 204)
  t.equal((await whoami(s.app, asBearer(addon.token))).status, 401)
  t.equal((await s.app.inject({ method: 'DELETE', url: '/api/session' })).statusCode, 204, 'logging out when not logged in is fine')
})

t.test('the record on disk holds the token\'s hash only, readable by the server alone', async (t) => {
  const s = await startTestServer(t)
  const { token } = await logIn(s.app, 'mia', { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' } })
  t.notMatch(token, /^ey/, 'the token carries nothing readable (no user, no expiry)')
  const files = sessionFiles(s.config.secretsDir)
  t.same(files, [fileOf(token)], 'one record, named by the SHA-256 of the token')
  const file = join(s.config.secretsDir, 'sessions', files[0]!)
  t.equal(statSync(file).mode & 0o777, 0o600)
  const text = readFileSync(file, 'utf8')
  t.notOk(text.includes(token), 'the token is not in it')
  const record = JSON.parse(text)
  t.equal(validator().check('session-record.schema.json', record), null, 'it is a valid SessionRecord')
  t.match(record, { user: 'mia', project: 'demo', client: 'Firefox on Linux', address: '127.0.0.1' })
})

t.test('sliding renewal: each use renews the log-in for sessionHours, never past sessionMaxDays', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock, config: { sessionHours: 12, sessionMaxDays: 2 } })
  const t0 = clock.now()
  const { token, reply, expires } = await logIn(s.app, 'mia')
  t.equal(reply.expires, new Date(t0 + 12 * HOUR).toISOString(), 'a fresh log-in lasts sessionHours')
  t.equal(expires?.getTime(), t0 + 48 * HOUR, 'the cookie lasts as long as the log-in can (the server decides before that)')

  clock.advance(11 * HOUR)
  const renewed = await whoami(s.app, asBearer(token))
  t.equal(renewed.status, 200, 'used after 11 hours: still valid')
  t.equal(renewed.body.expires, new Date(t0 + 23 * HOUR).toISOString(), 'and renewed from now')
  clock.advance(11 * HOUR)
  t.equal((await whoami(s.app, asBearer(token))).status, 200, '22 hours after log-in, used every 11: still valid')
  clock.advance(12 * HOUR + 1)
  t.equal((await whoami(s.app, asBearer(token))).status, 401, 'unused for more than 12 hours: ended')
  await until('the session file removed', () => !sessionFiles(s.config.secretsDir).includes(fileOf(token)))
  t.pass('and its record is deleted')

  const t1 = clock.now()
  const busy = await logIn(s.app, 'mia')
  for (let hours = 11; hours < 48; hours += 11) {
    clock.advance(11 * HOUR)
    t.equal((await whoami(s.app, asBearer(busy.token))).status, 200, `used every 11 hours: valid at ${hours} h`)
  }
  const last = await whoami(s.app, asBearer(busy.token))
  t.equal(last.body.expires, new Date(t1 + 48 * HOUR).toISOString(), 'renewal never goes past sessionMaxDays')
  clock.advance(t1 + 48 * HOUR - clock.now())
  t.equal((await whoami(s.app, asBearer(busy.token))).status, 401, 'after sessionMaxDays it ends however much it is used')
})

t.test('a restart keeps every valid log-in with its expiry, and drops those that ended meanwhile', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock, config: { sessionHours: 12, sessionMaxDays: 7 } })
  const t0 = clock.now()
  const mia = await logIn(s.app, 'mia')
  const alex = await logIn(s.app, 'alex')
  clock.advance(11 * HOUR)
  t.equal((await whoami(s.app, asBearer(mia.token))).status, 200, 'mia works on; alex does not')

  await s.restart()
  const after = await whoami(s.app, asBearer(mia.token))
  t.equal(after.status, 200, 'mia is still logged in after the restart')
  t.equal(after.body.expires, new Date(t0 + 23 * HOUR).toISOString(), 'with the expiry her last use gave it')

  clock.advance(2 * HOUR) // alex unused for 13 hours now
  await s.restart()
  t.equal((await whoami(s.app, asBearer(alex.token))).status, 401, 'alex\'s log-in ran out while unused')
  t.same(sessionFiles(s.config.secretsDir), [fileOf(mia.token)], 'its record is gone; mia\'s is kept')

  writeFileSync(join(s.config.secretsDir, 'sessions', `${'0'.repeat(64)}.json`), '{ "user": ')
  await s.restart()
  t.equal((await whoami(s.app, asBearer(mia.token))).status, 200, 'a broken record does not stop the server or the others')
})

t.test('staff log a person out everywhere; a person sees their own log-ins', async (t) => {
  const s = await startTestServer(t)
  const browser = await logIn(s.app, 'mia', { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' } })
  const addon = await logIn(s.app, 'mia', { headers: { 'user-agent': 'rfam-blender-addon' } })
  const teacher = await logIn(s.app, 'teacher', { secret: '1234' })
  const alex = await logIn(s.app, 'alex')

  const list = await s.app.inject({ url: '/api/users/mia/sessions', headers: asBearer(teacher.token) })
  t.equal(list.statusCode, 200)
  t.equal(validator().check('api-session-list.schema.json', list.json()), null)
  t.same(list.json().sessions.map((x: { client: string }) => x.client).sort(), ['Blender add-on', 'Chrome on Windows'])
  t.notMatch(list.body, new RegExp(`${browser.token}|${addon.token}|${fileOf(browser.token).slice(0, 64)}`), 'neither tokens nor their hashes are shown')
  const own = (await s.app.inject({ url: '/api/users/mia/sessions', headers: asBearer(addon.token) })).json()
  t.same(own.sessions.map((x: { current: boolean, client: string }) => [x.client, x.current]).sort(), [['Blender add-on', true], ['Chrome on Windows', false]], 'mia sees her own, this one marked')
  t.equal((await s.app.inject({ url: '/api/users/mia/sessions', headers: asBearer(alex.token) })).statusCode, 403, 'alex cannot see mia\'s')

  const refused = await s.app.inject({ method: 'DELETE', url: '/api/users/mia/sessions', headers: asBearer(alex.token) })
  t.equal(refused.statusCode, 403, 'alex cannot log mia out')
  t.equal((await whoami(s.app, asBearer(browser.token))).status, 200)

  const ended = await s.app.inject({ method: 'DELETE', url: '/api/users/mia/sessions', headers: asBearer(teacher.token) })
  t.equal(ended.statusCode, 200)
  t.same(ended.json(), { ended: 2 })
  t.equal((await whoami(s.app, asBearer(browser.token))).status, 401, 'her browser is logged out')
  t.equal((await whoami(s.app, asBearer(addon.token))).status, 401, 'and her Blender')
  t.equal((await whoami(s.app, asBearer(teacher.token))).status, 200, 'others stay logged in')
  t.equal((await s.app.inject({ method: 'DELETE', url: '/api/users/nobody/sessions', headers: asBearer(teacher.token) })).statusCode, 404)

  // A person may end their own log-ins everywhere (a forgotten school computer), this one included.
  const again = await logIn(s.app, 'mia')
  t.same((await s.app.inject({ method: 'DELETE', url: '/api/users/mia/sessions', headers: asBearer(again.token) })).json(), { ended: 1 })
  t.equal((await whoami(s.app, asBearer(again.token))).status, 401)
})

t.test('removing a person\'s user file ends their log-ins at once', async (t) => {
  const s = await startTestServer(t)
  const { token } = await logIn(s.app, 'alex')
  const other = await logIn(s.app, 'mia')
  rmSync(join(s.config.usersDir, 'alex.json'))
  await until('the token refused', async () => (await whoami(s.app, asBearer(token))).status === 401)
  t.pass('alex\'s token is refused')
  await until('the session file removed', () => !sessionFiles(s.config.secretsDir).includes(fileOf(token)))
  t.equal((await whoami(s.app, asBearer(other.token))).status, 200, 'mia is still logged in')
})

t.test('a changed password or PIN ends the log-ins made before it, even when another program wrote it', async (t) => {
  const s = await startTestServer(t)
  const before = await logIn(s.app, 'teacher', { secret: '1234' })
  const student = await logIn(s.app, 'mia')
  const file = join(s.config.usersDir, 'teacher.json')
  const user = JSON.parse(readFileSync(file, 'utf8'))
  // Another program (npm run user, an editor) rewrites the file; the server only follows the folder.
  writeFileSync(file, JSON.stringify({ ...user, secret: await hashSecret('5678') }))
  await until('the old token refused', async () => (await whoami(s.app, asBearer(before.token))).status === 401)
  t.pass('the log-in made with the old PIN is refused')
  t.equal((await whoami(s.app, asBearer(student.token))).status, 200, 'other people are not affected')
  const after = await logIn(s.app, 'teacher', { secret: '5678' })
  t.equal((await whoami(s.app, asBearer(after.token))).status, 200, 'a log-in with the new PIN works')

  // Renaming or re-saving the file with the same secret changes nothing.
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), name: 'Teacher T.' }))
  await until('the users file read again', () => s.app.rfam.workspace.users.get('teacher')?.name === 'Teacher T.')
  t.equal((await whoami(s.app, asBearer(after.token))).status, 200, 'editing anything else keeps the log-in')
})

t.test('each person keeps at most 20 log-ins: a new one ends the least recently used', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock })
  const tokens: string[] = []
  for (let i = 0; i < 21; i++) {
    tokens.push((await logIn(s.app, 'alex')).token)
    clock.advance(1000)
  }
  t.equal((await whoami(s.app, asBearer(tokens[0]!))).status, 401, 'the oldest is ended')
  t.equal((await whoami(s.app, asBearer(tokens[20]!))).status, 200)
  t.equal(sessionFiles(s.config.secretsDir).length, 20, 'the disk holds 20, not an endless pile')
})
