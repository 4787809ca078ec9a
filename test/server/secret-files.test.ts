// Files holding secrets (users/*.json with password hashes, the secrets folder with the session key
// and farm credentials) are for the server's user alone: written 0600, and older ones written 0644
// tightened when the server starts, each with a line for the log.
import t from 'tap'
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { tightenSecretFiles } from '../../server/config/secret-files.ts'
import { startTestServer, writeTestConfig } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { testRoot } from '../helpers/folders.ts'

const modeOf = (p: string) => statSync(p).mode & 0o777

t.test('users and farm credentials written by the server are 0600', async (t) => {
  const s = await startTestServer(t)
  const users = join(s.dir, 'users')
  for (const name of readdirSync(users)) t.equal(modeOf(join(users, name)), 0o600, `${name}, written by the demo`)
  const { cookie } = await logIn(s, 'alex')
  const renamed = await s.app.inject({ method: 'PATCH', url: '/api/users/alex', headers: { cookie }, payload: { name: 'Alex R.' } })
  t.equal(renamed.statusCode, 200, renamed.body)
  t.equal(modeOf(join(users, 'alex.json')), 0o600, 'a user changed through the API')
  await s.app.farm.credentials.create('render-01')
  t.equal(modeOf(join(s.dir, 'secrets', 'farm-credentials.json')), 0o600, 'farm-credentials.json')
  await s.app.farm.credentials.revoke('render-01')
  t.equal(modeOf(join(s.dir, 'secrets', 'farm-credentials.json')), 0o600, 'and again after a revoke')
  t.equal(modeOf(join(s.dir, 'secrets')), 0o700, 'the secrets folder')
})

t.test('secrets written 0644 before are tightened at start, each with a line for the log', async (t) => {
  const dir = testRoot(t, { outside: { 'shared.txt': 'not ours' } })
  const file = writeTestConfig(dir, { demo: false })
  const secrets = join(dir, 'secrets')
  const users = join(dir, 'users')
  mkdirSync(secrets, { mode: 0o755 })
  mkdirSync(users)
  writeFileSync(join(secrets, 'farm-credentials.json'), '{"credentials":[]}\n', { mode: 0o644 })
  writeFileSync(join(secrets, 'session.key'), 'c2VjcmV0', { mode: 0o640 })
  writeFileSync(join(users, 'tom.json'), JSON.stringify({ ident: 'tom', name: 'Tom', projects: [], secret: 'scrypt$16384$8$1$x$y' }), { mode: 0o644 })
  writeFileSync(join(users, 'mia.json'), JSON.stringify({ ident: 'mia', name: 'Mia', projects: [] }), { mode: 0o400 })
  chmodSync(join(dir, 'outside', 'shared.txt'), 0o644)
  symlinkSync(join(dir, 'outside', 'shared.txt'), join(secrets, 'link.txt'))
  chmodSync(secrets, 0o755)

  const lines = tightenSecretFiles(loadConfig(file))
  t.same(lines.sort(), [
    `${join(secrets, 'farm-credentials.json')} could be read by other users of this machine (mode 0644); it holds secrets, so it is now 0600.`,
    `${join(secrets, 'session.key')} could be read by other users of this machine (mode 0640); it holds secrets, so it is now 0600.`,
    `${secrets} could be read by other users of this machine (mode 0755); it holds secrets, so it is now 0700.`,
    `${join(users, 'tom.json')} could be read by other users of this machine (mode 0644); it holds secrets, so it is now 0600.`,
  ].sort())
  t.equal(modeOf(secrets), 0o700)
  t.equal(modeOf(join(users, 'mia.json')), 0o400, 'a file narrower than 0600 is left as it is')
  t.equal(modeOf(join(dir, 'outside', 'shared.txt')), 0o644, 'what a link points to is not changed')
  t.same(tightenSecretFiles(loadConfig(file)), [], 'nothing to say the second time')

  // The server does it when it starts.
  chmodSync(join(users, 'tom.json'), 0o644)
  chmodSync(secrets, 0o755)
  await startTestServer(t, { configFile: file, demo: false })
  t.equal(modeOf(join(users, 'tom.json')), 0o600)
  t.equal(modeOf(secrets), 0o700)
})
