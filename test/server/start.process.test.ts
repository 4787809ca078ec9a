import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeTestConfig } from '../helpers/server.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { testFolder } from '../helpers/folders.ts'
import { contractHash } from '../../server/routes/api/version.ts'
import { repoRoot } from '../../server/config/load-config.ts'

t.test('npm start on an empty data folder creates the demo and prints the address to open', async (t) => {
  const dir = testFolder(t, 'server')
  const server = await startServerProcess(writeTestConfig(dir, { logLevel: 'warn' }), { t })
  t.teardown(() => server.stop())
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'bound to loopback by default')
  t.same(readdirSync(join(dir, 'users')).sort(), ['alex.json', 'leo.json', 'mia.json', 'sam.json', 'teacher.json', 'zoe.json'])
  const options = await (await fetch(`${server.url}/api/login-options`)).json() as { projects: Array<{ name: string }> }
  t.equal(options.projects[0]?.name, 'The Cake Heist')
  const page = await fetch(`${server.url}/`)
  t.ok(page.status === 200 || page.status === 503, 'the web UI is served (or says how to build it)')
  // The bundle (dist/server.mjs) still finds the files beside the sources: package.json, schemas/.
  const version = await (await fetch(`${server.url}/api/version`)).json() as { version: string, schemas: string }
  t.same(version, { version: JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version, schemas: contractHash() })
})
