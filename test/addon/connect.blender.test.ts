// Getting the add-on and connecting it, for real: a real RFAM server (demo project) listens; a person
// logged in downloads the zip (GET /api/addon/zip) and makes connect codes (POST /api/addon/codes)
// as the page "Use RFAM in Blender" does; real Blender opens a .blend of the project headless,
// installs that zip and runs blender-addon/tests/test_connect.py: nobody types an address, a
// project or a user name, and the panel shows the person's and the project's names. This side then
// checks the log-ins on the server.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'

const blender = '/usr/bin/blender'
const script = join(repoRoot, 'blender-addon', 'tests', 'test_connect.py')

/** A port where nothing listens (bound, then released). */
async function deadPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 9
}

/** Runs Blender without blocking the event loop (the server answers from this same process). */
function runBlender (args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null, out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(blender, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out }))
  })
}

function results (out: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const m of out.matchAll(/RFAM_RESULT (.*)$/gm)) Object.assign(found, JSON.parse(m[1]!))
  return found
}

t.test('the add-on from the page connects with a code and shows names', { skip: existsSync(blender) ? false : `${blender} is not installed` }, async (t) => {
  const work = testFolder(t, 'connect')
  const s = await startTestServer(t, { listen: true })
  const mia = await logIn(s, 'mia', { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36' } })

  const download = await fetch(`${s.url}/api/addon/zip`, { headers: { cookie: mia.cookie } })
  t.equal(download.status, 200)
  const zip = join(work, 'rfam-addon.zip')
  writeFileSync(zip, Buffer.from(await download.arrayBuffer()))
  // Over HTTP, as the page asks (the code names the address the browser used).
  const newCode = async (cookie: string) => (await fetch(`${s.url}/api/addon/codes`, { method: 'POST', headers: { cookie } })).json()
  const code = await newCode(mia.cookie)
  t.equal(code.server, s.url, 'the code names the address the browser used')
  // A person has one code at a time; the second code, pasted with the address, is Zoë's.
  const zoe = await logIn(s, 'zoe')
  const zoesCode = await newCode(zoe.cookie)
  const args = {
    zip,
    server: s.url,
    code: code.code,
    name: 'Mia Chen',
    projectTitle: 'The Cake Heist',
    project: 'demo',
    user: 'mia',
    owner: 'Mia Chen',
    secondCode: zoesCode.code,
    secondName: 'Zoë Haddad',
    deadServer: `http://127.0.0.1:${await deadPort()}`,
  }
  const userDir = join(work, 'blender-user')
  const env = { ...process.env, BLENDER_USER_SCRIPTS: join(userDir, 'scripts'), BLENDER_USER_CONFIG: join(userDir, 'config') }
  const cakeFile = join(s.projectDir(), 'props', 'cake.blend')
  const run = await runBlender(['-b', cakeFile, '--factory-startup', '--python-exit-code', '1', '--python', script, '--', JSON.stringify(args)], env)
  if (run.code !== 0) t.comment(run.out.slice(-8000))
  t.equal(run.code, 0, 'blender exits 0')
  if (!t.match(run.out, /^\d+ passed, 0 failed, 0 skipped$/m, 'every step passed')) return
  const found = results(run.out)
  t.match(found.panel, /^Mia Chen The Cake Heist\b/, 'the panel\'s first lines, as drawn: who, then where')

  const bearer = async (token: string) => (await fetch(`${s.url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status
  t.equal(await bearer(found.token!), 401, 'logging out in Blender ended Mia\'s first add-on log-in')
  t.equal(await bearer(found.secondToken!), 401, 'and Zoë\'s')
  t.equal(await bearer(found.byNameToken!), 200, 'the log-in by name is the add-on\'s now')
  const sessions = (await mia.api('GET', '/api/users/mia/sessions')).body.sessions as Array<{ client: string }>
  t.same(sessions.map((x) => x.client).sort(), ['Blender add-on', 'Chrome on Linux'], 'listed with her log-ins on her profile')
  t.equal((await mia.api('GET', '/api/addon')).body.connected, true, 'Home knows Mia is connected')
  t.equal((await zoe.api('GET', '/api/addon')).body.connected, false, 'and that Zoë is not any more')
})
