// Getting the add-on and connecting it, for real: a real RFAM server (demo project) listens; a person
// logged in downloads the zip (GET /api/addon/zip) and makes connect codes (POST /api/addon/codes)
// as the page "Use RFAM in Blender" does; real Blender opens a .blend of the project headless,
// installs that zip and runs blender-addon/tests/test_connect.py: nobody types an address, a
// project or a user name, and the panel shows the person's and the project's names. This side then
// checks the log-ins on the server.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { deadPort, noBlender, runTestScript } from './in-blender.ts'

t.test('the add-on from the page connects with a code and shows names', { skip: noBlender }, async (t) => {
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
  const blendFile = join(s.projectDir(), 'props', 'cake.blend')
  const found = await runTestScript(t, { script: 'test_connect.py', blendFile, work, args, summary: /^\d+ passed, 0 failed, 0 skipped$/m })
  if (!found) return
  t.match(found.panel, /^Mia Chen The Cake Heist\b/, 'the panel\'s first lines, as drawn: who, then where')

  const bearer = async (token: string) => (await fetch(`${s.url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status
  t.equal(await bearer(found.token as string), 401, 'logging out in Blender ended Mia\'s first add-on log-in')
  t.equal(await bearer(found.secondToken as string), 401, 'and Zoë\'s')
  t.equal(await bearer(found.byNameToken as string), 200, 'the log-in by name is the add-on\'s now')
  const sessions = (await mia.api('GET', '/api/users/mia/sessions')).body.sessions as Array<{ client: string }>
  t.same(sessions.map((x) => x.client).sort(), ['Blender add-on', 'Chrome on Linux'], 'listed with her log-ins on her profile')
  t.equal((await mia.api('GET', '/api/addon')).body.connected, true, 'Home knows Mia is connected')
  t.equal((await zoe.api('GET', '/api/addon')).body.connected, false, 'and that Zoë is not any more')
})
