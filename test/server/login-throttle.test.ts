// Guessing a PIN is slowed down: after a few wrong tries per account (and more per client address)
// each further try must wait, 1 s, 2 s, 4 s … (429 with Retry-After and a sentence saying how long),
// decided before any password hashing; staff can unlock an account. Password checks run a few at a
// time, so a flood of log-ins cannot hold up everything else.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { hashSecret } from '../../server/auth/passwords.ts'
import { startTestServer } from '../helpers/server.ts'
import { ManualClock } from '../../server/farm/clock.ts'
import { logIn } from '../helpers/login.ts'

interface Try { project?: string, user: string, secret?: string, address?: string, headers?: Record<string, string> }

function attempt (app: FastifyInstance, { project = 'demo', user, secret, address, headers }: Try) {
  return app.inject({ method: 'POST', url: '/api/session', remoteAddress: address, headers, payload: { project, user, ...(secret ? { secret } : {}) } })
}

async function givePin (app: FastifyInstance, usersDir: string, user: string, pin: string): Promise<void> {
  const file = join(usersDir, `${user}.json`)
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), secret: await hashSecret(pin) }))
  app.rfam.workspace.users.reload()
}

t.test('20 wrong PINs: then a wait, said in a sentence and in Retry-After; the right PIN waits too', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock })
  const statuses: number[] = []
  let last
  for (let i = 0; i < 20; i++) {
    last = await attempt(s.app, { user: 'teacher', secret: String(1000 + i) })
    statuses.push(last.statusCode)
  }
  t.same(statuses.slice(0, 6), [401, 401, 401, 401, 401, 401], 'five free wrong tries, and the sixth is still checked')
  t.same(new Set(statuses.slice(6)), new Set([429]), 'then every try must wait')
  t.equal(last!.headers['retry-after'], '1')
  t.match(last!.json(), { statusCode: 429, code: 'RFAM_LOGIN_WAIT', message: 'Too many wrong tries. Wait 1 second, then try again.' })

  const right = await attempt(s.app, { user: 'teacher', secret: '1234' })
  t.equal(right.statusCode, 429, 'the right PIN during the wait is refused as well (nothing is checked)')

  // Each wrong try after the wait doubles it.
  const waits: string[] = []
  for (let i = 0; i < 5; i++) {
    clock.advance(Number(last!.headers['retry-after']) * 1000)
    t.equal((await attempt(s.app, { user: 'teacher', secret: '0000' })).statusCode, 401)
    last = await attempt(s.app, { user: 'teacher', secret: '0000' })
    waits.push(String(last.headers['retry-after']))
  }
  t.same(waits, ['2', '4', '8', '16', '32'], 'the wait doubles with every wrong try')
  t.equal(last!.json().message, 'Too many wrong tries. Wait 32 seconds, then try again.')

  clock.advance(31_000)
  t.equal((await attempt(s.app, { user: 'teacher', secret: '1234' })).statusCode, 429, 'one second early is still too early')
  clock.advance(1000)
  t.equal((await attempt(s.app, { user: 'teacher', secret: '1234' })).statusCode, 200, 'after the wait the right PIN works')
  t.equal((await attempt(s.app, { user: 'teacher', secret: '0000' })).statusCode, 401, 'and a log-in starts the count afresh')
})

t.test('the wait grows to at most maxWaitMinutes, said in minutes', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock, config: { loginThrottle: { freeTries: 1, maxWaitMinutes: 15 } } })
  let res
  const waits: number[] = []
  for (let i = 0; i < 30; i++) {
    const reply = await attempt(s.app, { user: 'teacher', secret: '0000' })
    if (reply.statusCode !== 429) continue
    res = reply
    waits.push(Number(reply.headers['retry-after']))
    clock.advance(waits.at(-1)! * 1000)
  }
  t.same(waits.slice(0, 11), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900])
  t.equal(res!.headers['retry-after'], '900', 'capped at 15 minutes')
  t.equal(res!.json().message, 'Too many wrong tries. Wait 15 minutes, then try again.')
})

t.test('wrong tries are forgotten an hour after the last one', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock, config: { loginThrottle: { freeTries: 2 } } })
  for (let i = 0; i < 3; i++) await attempt(s.app, { user: 'teacher', secret: '0000' })
  t.equal((await attempt(s.app, { user: 'teacher', secret: '0000' })).statusCode, 429)
  clock.advance(3600_000)
  t.equal((await attempt(s.app, { user: 'teacher', secret: '0000' })).statusCode, 401)
  t.equal((await attempt(s.app, { user: 'teacher', secret: '0000' })).statusCode, 401, 'the count started again')
})

t.test('staff see the wait on the person\'s profile and can unlock it; nobody else can', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock })
  await givePin(s.app, s.config.usersDir, 'mia', '2468')
  const staff = (await logIn(s, 'teacher', { secret: '1234' })).cookie
  const student = (await logIn(s, 'alex')).cookie
  for (let i = 0; i < 10; i++) await attempt(s.app, { user: 'mia', secret: '0000' })
  t.equal((await attempt(s.app, { user: 'mia', secret: '2468' })).statusCode, 429, 'mia must wait')

  const seen = (await s.app.inject({ url: '/api/users/mia/sessions', headers: { cookie: staff } })).json()
  t.equal(seen.failedTries, 6, 'staff see how many wrong tries were checked')
  t.equal(seen.waitSeconds, 1)

  const refused = await s.app.inject({ method: 'POST', url: '/api/users/mia/unlock', headers: { cookie: student } })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().message, 'Only staff can unlock a log-in. Ask your teacher.')
  const unlocked = await s.app.inject({ method: 'POST', url: '/api/users/mia/unlock', headers: { cookie: staff } })
  t.equal(unlocked.statusCode, 204)
  t.equal((await attempt(s.app, { user: 'mia', secret: '2468' })).statusCode, 200, 'mia logs in at once')
  t.equal((await s.app.inject({ method: 'POST', url: '/api/users/nobody/unlock', headers: { cookie: staff } })).statusCode, 404)
})

t.test('one address trying many accounts is slowed down too; other addresses are not', async (t) => {
  const clock = new ManualClock()
  const s = await startTestServer(t, { clock, config: { loginThrottle: { freeTries: 5, freeTriesPerAddress: 8 } } })
  for (const user of ['mia', 'alex', 'sam']) await givePin(s.app, s.config.usersDir, user, '2468')
  const attacker = '203.0.113.7'
  const results: number[] = []
  for (const user of ['mia', 'alex', 'sam', 'teacher']) {
    for (let i = 0; i < 3; i++) results.push((await attempt(s.app, { user, secret: '0000', address: attacker })).statusCode)
  }
  t.same(results, [401, 401, 401, 401, 401, 401, 401, 401, 401, 429, 429, 429], 'nine checked (eight free and one more), then the address waits')
  const fromElsewhere = await attempt(s.app, { user: 'teacher', secret: '1234', address: '198.51.100.2' })
  t.equal(fromElsewhere.statusCode, 200, 'the teacher logs in from another address')

  // IPv6: one machine easily has a whole /64 of addresses, so they count as one.
  const v6 = await startTestServer(t, { clock, config: { loginThrottle: { freeTries: 100, freeTriesPerAddress: 3 } } })
  for (let i = 1; i <= 4; i++) t.equal((await attempt(v6.app, { user: 'teacher', secret: '0000', address: `2001:db8:1:2::${i}` })).statusCode, 401)
  t.equal((await attempt(v6.app, { user: 'teacher', secret: '1234', address: '2001:db8:1:2:ffff::9' })).statusCode, 429, 'a new address in the same /64 network waits too')
  t.equal((await attempt(v6.app, { user: 'teacher', secret: '1234', address: '2001:db8:1:3::1' })).statusCode, 200, 'another network does not')
})

t.test('X-Forwarded-For is believed only from a proxy named in trustProxy', async (t) => {
  const clock = new ManualClock()
  const direct = await startTestServer(t, { clock, config: { loginThrottle: { freeTries: 100, freeTriesPerAddress: 2 } } })
  for (let i = 0; i < 3; i++) await attempt(direct.app, { user: 'teacher', secret: '0000', headers: { 'x-forwarded-for': `198.51.100.${i}` } })
  t.equal((await attempt(direct.app, { user: 'teacher', secret: '0000', headers: { 'x-forwarded-for': '198.51.100.99' } })).statusCode, 429, 'without trustProxy a made-up header does not give a fresh address')

  const proxied = await startTestServer(t, { clock, config: { trustProxy: ['127.0.0.1'], loginThrottle: { freeTries: 100, freeTriesPerAddress: 2 } } })
  for (let i = 0; i < 3; i++) await attempt(proxied.app, { user: 'teacher', secret: '0000', headers: { 'x-forwarded-for': '198.51.100.1' } })
  t.equal((await attempt(proxied.app, { user: 'teacher', secret: '0000', headers: { 'x-forwarded-for': '198.51.100.1' } })).statusCode, 429, 'behind the proxy, the client behind it waits')
  t.equal((await attempt(proxied.app, { user: 'teacher', secret: '1234', headers: { 'x-forwarded-for': '198.51.100.2' } })).statusCode, 200, 'another client behind the same proxy does not')
})

t.test('log-ins without a PIN, unknown people and missing PINs are not counted as wrong tries', async (t) => {
  const s = await startTestServer(t, { config: { loginThrottle: { freeTries: 1, freeTriesPerAddress: 1 } } })
  for (let i = 0; i < 5; i++) {
    t.equal((await attempt(s.app, { user: 'teacher' })).json().code, 'RFAM_SECRET_NEEDED')
    t.equal((await attempt(s.app, { user: 'nobody', secret: '1' })).statusCode, 401)
    t.equal((await attempt(s.app, { user: 'alex' })).statusCode, 200)
  }
  t.equal((await attempt(s.app, { user: 'teacher', secret: '1234' })).statusCode, 200)
})

t.test('a flood of password checks: a few at a time, the rest refused at once; nothing is hashed during a wait', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { loginThrottle: { freeTries: 1_000_000, freeTriesPerAddress: 1_000_000 } } })
  const { cookie } = await logIn(s, 'mia')
  const checks = s.app.rfam.logins.checks
  const send = () => fetch(`${s.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project: 'demo', user: 'teacher', secret: '0000' }) })
  const flood = Array.from({ length: 48 }, send)
  const started = performance.now()
  const files = await fetch(`${s.url}/api/projects/demo/files?ext=blend`, { headers: { cookie } })
  const filesMs = performance.now() - started
  t.equal(files.status, 200, 'a student\'s request is answered during the flood')
  const replies = await Promise.all(flood)
  const codes = replies.map((r) => r.status)
  t.ok(codes.every((c) => c === 401 || c === 503), `only wrong-PIN and busy answers (${[...new Set(codes)].join(', ')})`)
  const busy = replies.find((r) => r.status === 503)
  t.ok(busy, 'some were refused as busy')
  t.equal(busy!.headers.get('retry-after'), '1')
  t.match(await busy!.json(), { code: 'RFAM_LOGIN_BUSY', message: 'The server is busy checking other log-ins. Try again in a moment.' })
  t.ok(checks.peakRunning <= 2, `at most 2 password checks ran at once (${checks.peakRunning})`)
  t.comment(`the file list took ${filesMs.toFixed(0)} ms during the flood`)

  // During a wait nothing is hashed at all.
  const locked = await startTestServer(t)
  for (let i = 0; i < 6; i++) await attempt(locked.app, { user: 'teacher', secret: '0000' })
  const hashed = locked.app.rfam.logins.checks.started
  for (let i = 0; i < 10; i++) t.equal((await attempt(locked.app, { user: 'teacher', secret: '1234' })).statusCode, 429)
  t.equal(locked.app.rfam.logins.checks.started, hashed, 'no scrypt work for refused tries')
})
