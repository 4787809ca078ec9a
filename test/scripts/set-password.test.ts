import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifySecret } from '../../server/auth/passwords.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { listDir, makeSite, runMain, runScript } from './cli.ts'
import { main as setPassword } from '../../scripts/set-password.ts'
import { until } from '../helpers/until.ts'

const tom = { ident: 'tom', name: 'Tom Haines', image: null, projects: ['red'], staff: true, language: 'en' }

function siteWithTom (t: Parameters<typeof makeSite>[0]) {
  const site = makeSite(t)
  writeFileSync(join(site.users, 'tom.json'), JSON.stringify(tom))
  return { ...site, read: () => JSON.parse(readFileSync(join(site.users, 'tom.json'), 'utf8')) }
}

t.test('reads the new secret from stdin when it is not a terminal, and stores only its hash', async (t) => {
  const site = siteWithTom(t)
  // The one run as a real process, as `npm run user` does (RFAM_CONFIG, a pipe for stdin).
  const res = await runScript('set-password.ts', ['password', 'tom'], { config: site.config, stdin: 'correct horse\nignored second line\n' })
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /Password\/PIN set for tom/)
  const { secret, ...rest } = site.read()
  t.same(rest, tom, 'every other field is kept')
  t.ok(await verifySecret('correct horse', secret))
  t.notOk(await verifySecret('ignored second line', secret))
  t.same(listDir(site.users), ['tom.json'], 'no lock or temp file left behind')
  t.equal(statSync(join(site.users, 'tom.json')).mode & 0o777, 0o600, 'the file holding the hash is for the server\'s user alone')

  const cleared = await runMain(setPassword, ['password', 'tom', '--clear'], { config: site.config })
  t.equal(cleared.code, 0)
  t.match(cleared.stdout, /removed for tom/)
  t.same(site.read(), tom)
})

t.test('refusals change nothing and say why', async (t) => {
  const site = siteWithTom(t)
  const cases: Array<[string[], string, number, RegExp]> = [
    [['password', 'nobody'], '1234\n', 1, /there is no user "nobody"/],
    [['password', '../tom'], '1234\n', 1, /there is no user "\.\.\/tom"/],
    [['password', 'tom'], '123\n', 1, /needs at least 4 characters; nothing changed/],
    [['password', 'tom'], '', 1, /no password given; nothing changed \(to remove one, use --clear\)/],
    [['passwd', 'tom'], '1234\n', 2, /unknown command "passwd"; use "password" or "add"/],
    [['password'], '1234\n', 2, /whose password\? Give their username/],
    [['password', 'tom', 'mia'], '1234\n', 2, /one person at a time/],
    [['password', 'tom', '--force'], '1234\n', 2, /unknown option --force/],
  ]
  for (const [args, stdin, code, message] of cases) {
    const res = await runMain(setPassword, args, { config: site.config, stdin })
    t.equal(res.code, code, args.join(' '))
    t.match(res.stderr, message)
  }
  writeFileSync(join(site.users, 'tom.json'), '{ "ident": "tom", ')
  const broken = await runMain(setPassword, ['password', 'tom'], { config: site.config, stdin: '1234\n' })
  t.equal(broken.code, 1)
  t.match(broken.stderr, /tom\.json cannot be read as JSON .* fix it first/)
  t.equal(readFileSync(join(site.users, 'tom.json'), 'utf8'), '{ "ident": "tom", ', 'a broken file is never overwritten')
})

const hasPty = spawnSync('python3', ['-c', 'import pty']).status === 0

t.test('at a terminal it asks twice without echoing, and refuses a mismatch', { skip: hasPty ? false : 'python3 with pty is needed to give the script a terminal' }, async (t) => {
  const site = siteWithTom(t)
  // A pseudo-terminal, so the script sees stdin.isTTY; typed lines are sent after each prompt.
  const inPty = (typed: string[]) => spawnSync('python3', ['-c', `
import os, pty, sys, json, time
typed = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b''
def read_until(marker):
    global out
    while marker not in out:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return False
        if not chunk:
            return False
        out += chunk
    return True
prompts = [b'for Tom Haines: ', b'again: ']
for i, line in enumerate(typed):
    if not read_until(prompts[i]):
        break
    os.write(fd, line.encode() + b'\\r')
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`, JSON.stringify(typed), process.execPath, '--import', 'tsx', join(repoRoot, 'scripts', 'set-password.ts'), 'password', 'tom'], {
    cwd: repoRoot, env: { ...process.env, RFAM_CONFIG: site.config }, encoding: 'utf8', timeout: 60_000,
  })

  const mismatch = inPty(['4321', '9999'])
  t.equal(mismatch.status, 1, mismatch.stdout)
  t.match(mismatch.stdout, /did not match; nothing changed/)
  t.same(site.read(), tom)

  const ok = inPty(['s3cret pin', 's3cret pin'])
  t.equal(ok.status, 0, ok.stdout)
  t.notMatch(ok.stdout, /s3cret/, 'what was typed is not echoed')
  t.ok(await verifySecret('s3cret pin', site.read().secret))
})

t.test('a running server asks for the new PIN at log-in', async (t) => {
  const s = await startTestServer(t)
  const res = await runMain(setPassword, ['password', 'mia'], { config: s.config.file, stdin: '2468\n' })
  t.equal(res.code, 0, res.stderr)
  let status = 0
  await until('the server following the file', async () => {
    status = (await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'mia' } })).statusCode
    return status === 401
  }, { stepMs: 100 })
  t.equal(status, 401, 'log-in without the PIN is refused once the server has followed the file')
  await logIn(s, 'mia', { secret: '2468' })
})

t.test('a new PIN ends every log-in made with the old one, on a running server', async (t) => {
  const s = await startTestServer(t)
  const login = async (secret: string) => {
    const res = await s.app.inject({ method: 'POST', url: '/api/session', payload: { project: 'demo', user: 'teacher', secret } })
    t.equal(res.statusCode, 200, res.body)
    return String(res.headers['x-rfam-token'])
  }
  const browser = await login('1234')
  const addon = await login('1234')
  const student = (await logIn(s, 'mia')).cookie
  const valid = async (headers: Record<string, string>) => (await s.app.inject({ url: '/api/session', headers })).statusCode === 200
  t.ok(await valid({ cookie: `rfam_session=${browser}` }))

  const res = await runMain(setPassword, ['password', 'teacher'], { config: s.config.file, stdin: '8642\n' })
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /Every log-in of teacher made before is ended/)
  let ended = false
  await until('the server following the file', async () => (ended = !await valid({ cookie: `rfam_session=${browser}` })), { stepMs: 100 })
  t.ok(ended, 'the browser\'s log-in is ended once the server has followed the file')
  t.notOk(await valid({ authorization: `Bearer ${addon}` }), 'and the add-on\'s')
  t.ok(await valid({ cookie: student }), 'other people stay logged in')
  t.ok(await valid({ authorization: `Bearer ${await login('8642')}` }), 'a log-in with the new PIN works')
})
