import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { Workspace } from '../../server/store/workspace.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { waitFor } from '../helpers/wait-for.ts'

// On a network share another machine's edits raise no file events here: without any watching,
// the periodic rescan alone must bring users, projects and project.json up to date.
t.test('without file watching, the periodic rescan picks up users, projects and project.json', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-rescan-'))
  const config = loadConfig(writeTestConfig(dir, { rescanSeconds: 1 }))
  await seedDemoIfEmpty(config)
  const ws = new Workspace(config, false)
  await ws.start()
  t.teardown(async () => { await ws.close(); rmSync(dir, { recursive: true, force: true }) })
  let changes = 0
  ws.on('change', () => { changes++ })

  writeFileSync(join(config.usersDir, 'newbie.json'), JSON.stringify({ ident: 'newbie', name: 'New Person', projects: ['demo'] }))
  await waitFor(() => ws.users.get('newbie') !== undefined, 5000)
  t.pass('a user file written by another machine appears')

  const file = join(ws.store('demo').root, 'project.json')
  const pf = JSON.parse(readFileSync(file, 'utf8'))
  pf.title = 'Renamed elsewhere'
  writeFileSync(file, JSON.stringify(pf))
  await waitFor(() => ws.store('demo').file().title === 'Renamed elsewhere', 5000)
  t.pass('project.json edited by another machine is read again')

  const before = changes
  await new Promise((r) => setTimeout(r, 2500))
  t.equal(changes, before, 'rescans that find nothing new announce nothing')
})
