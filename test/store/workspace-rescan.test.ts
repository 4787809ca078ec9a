import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { Workspace } from '../../server/store/workspace.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'

// On a network share another machine's edits raise no file events here: without any watching,
// the periodic rescan alone must bring users, projects and project.json up to date.
t.test('without file watching, the periodic rescan picks up users, projects and project.json', async (t) => {
  const dir = testFolder(t, 'server')
  const config = loadConfig(writeTestConfig(dir, { rescanSeconds: 1 }))
  await seedDemoIfEmpty(config)
  const ws = new Workspace(config, false)
  await ws.start()
  t.teardown(() => ws.close())
  let changes = 0
  ws.on('change', () => { changes++ })

  writeFileSync(join(config.usersDir, 'newbie.json'), JSON.stringify({ ident: 'newbie', name: 'New Person', projects: ['demo'] }))
  await until('the new user seen', () => ws.users.get('newbie') !== undefined, { timeoutMs: 5000 })
  t.pass('a user file written by another machine appears')

  const file = join(ws.store('demo').root, 'project.json')
  const pf = JSON.parse(readFileSync(file, 'utf8'))
  pf.title = 'Renamed elsewhere'
  writeFileSync(file, JSON.stringify(pf))
  await until('the project renamed elsewhere', () => ws.store('demo').file().title === 'Renamed elsewhere', { timeoutMs: 5000 })
  t.pass('project.json edited by another machine is read again')

  // Two rescans of each kind (users and projects; the project's files), counted as they run.
  const reload = ws.users.reload.bind(ws.users)
  let reloads = 0
  t.capture(ws.users, 'reload', () => { reloads++; reload() })
  let walks = 0
  ws.store('demo').index.on('rescanned', () => { walks++ })
  const before = changes
  await until('two rescans of each kind', () => reloads >= 2 && walks >= 2, { timeoutMs: 10_000 })
  t.equal(changes, before, 'rescans that find nothing new announce nothing')
})
