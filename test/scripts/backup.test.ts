import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { validator } from '../../schemas/validator.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { runMain, runScript } from './cli.ts'
import { main as backup } from '../../scripts/backup.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

const STAMPED = /^demo-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(-\d+)?$/

function filesUnder (root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) walk(join(dir, d.name))
      else out.push(relative(root, join(dir, d.name)))
    }
  }
  walk(root)
  return out.sort()
}

/** The API's asset list (without its version counter, which only ever grows). */
async function assetList (s: TestServer, cookie: string): Promise<unknown[]> {
  const res = await s.app.inject({ url: '/api/projects/demo/assets', headers: { cookie } })
  t.equal(res.statusCode, 200)
  return (res.json() as { assets: unknown[] }).assets
}

t.test('a backup restored into an emptied project folder gives the API the same assets', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  // Some history: an edit, a checkpoint and a deleted asset (both land in old/), a picture.
  await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie }, payload: { description: 'now with two cherries' } })
  t.equal((await s.app.inject({ method: 'POST', url: '/api/projects/demo/checkpoints/props/cake.blend', headers: { cookie } })).statusCode, 201)
  t.equal((await s.app.inject({ method: 'DELETE', url: '/api/projects/demo/assets/props/rolling_pin.blend', headers: { cookie } })).statusCode, 204)
  mkdirSync(join(s.dir, 'data', 'pictures', 'users'), { recursive: true })
  const picture = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c0ffee' } }).jpeg().toBuffer()
  writeFileSync(join(s.dir, 'data', 'pictures', 'users', 'mia.jpg'), picture)
  await s.app.rfam.workspace.users.update('mia', (u) => ({ ...u, image: 'data::pictures/users/mia.jpg' }))
  const before = await assetList(s, cookie)
  const fileBefore = (await s.app.inject({ url: '/api/projects/demo/file', headers: { cookie } })).json()
  const projectFilesBefore = filesUnder(s.projectDir())

  const to = join(s.dir, 'backups')
  // The one run as a real process, as `npm run backup` does.
  const res = await runScript('backup.ts', ['demo', '--to', to], { config: s.config.file })
  t.equal(res.code, 0, res.stderr)
  const [folder, ...more] = readdirSync(to)
  t.same(more, [], 'one dated folder, no partial one left')
  t.match(folder, STAMPED, 'named <project>-YYYY-MM-DDTHH-MM-SSZ')
  const backup = join(to, folder!)
  t.match(res.stdout, `Backed up project "demo" to ${backup}`)
  t.match(res.stdout, /people: +6 user files \(users\/: alex, leo, mia, sam, teacher, zoe\)/)
  t.match(res.stdout, /pictures: +1 \(data::pictures\/users\/mia\.jpg\)/)
  t.match(res.stdout, /cp -a '.*\/shares\/data'\/\. '.*\/data'\//, 'prints how to restore')
  t.equal(readFileSync(join(backup, 'RESTORE.txt'), 'utf8').trim(), res.stdout.slice(res.stdout.indexOf('Restore "demo"')).trim())

  t.same(filesUnder(join(backup, 'shares', 'data', 'demo')), projectFilesBefore, 'the project folder, old/ and project.json included, without lock or temp files')
  t.same(readdirSync(join(backup, 'users')).sort(), ['alex.json', 'leo.json', 'mia.json', 'sam.json', 'teacher.json', 'zoe.json'])
  t.same(readdirSync(join(backup, 'projects')), ['demo.json'])
  const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'))
  t.equal(manifest.files.length, filesUnder(backup).length - 3, 'the manifest lists every copied file')
  const check = spawnSync('sha256sum', ['--quiet', '-c', 'manifest.sha256'], { cwd: backup, encoding: 'utf8' })
  t.equal(check.status, 0, `the checksums match the copies ${check.stdout}${check.stderr}`)

  // Lose everything in the project's folder, then copy the backup back as RESTORE.txt says.
  for (const name of readdirSync(s.projectDir())) rmSync(join(s.projectDir(), name), { recursive: true, force: true })
  rmSync(join(s.dir, 'data', 'pictures'), { recursive: true, force: true })
  const store = s.app.rfam.workspace.store('demo')
  await store.index.rescan()
  t.same(await assetList(s, cookie), [], 'the API shows the loss')
  for (const [from, into] of [[join(backup, 'shares', 'data'), join(s.dir, 'data')], [join(backup, 'users'), s.config.usersDir], [join(backup, 'projects'), s.config.projectsDir]] as const) {
    const cp = spawnSync('cp', ['-a', `${from}/.`, `${into}/`], { encoding: 'utf8' })
    t.equal(cp.status, 0, cp.stderr)
  }
  await store.index.rescan()
  await until('the project file read again', () => JSON.stringify(store.file()) === JSON.stringify(fileBefore), { timeoutMs: 5000, stepMs: 100 })
  t.same(await assetList(s, cookie), before, 'the same assets, states, files and dates as before')
  t.same((await s.app.inject({ url: '/api/projects/demo/file', headers: { cookie } })).json(), fileBefore, 'the same project file (roles, credits)')
  t.same((await s.app.inject({ url: '/api/users/mia/picture' })).rawPayload, picture, 'the picture is back')
})

t.test('edits during a backup never give a half-written or mixed copy', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  const paths = ['props/cake.blend', 'sets/kitchen.blend', 'characters/chef_bun.blend']
  let running = true
  let edits = 0
  const editor = (async () => {
    while (running) {
      edits++
      await Promise.all(paths.map((p) => s.app.inject({ method: 'PATCH', url: `/api/projects/demo/assets/${p}`, headers: { cookie }, payload: { description: `edit ${edits} `.repeat(200) } })))
    }
  })()
  const to = join(s.dir, 'backups')
  const runs = []
  for (let i = 0; i < 3; i++) runs.push(await runMain(backup, ['demo', '--to', to], { config: s.config.file }))
  running = false
  await editor
  t.ok(edits > 3, `the server kept editing during the backups (${edits} rounds)`)
  t.same(runs.map((r) => r.code), [0, 0, 0], runs.map((r) => r.stderr).join(''))
  const folders = readdirSync(to).sort()
  t.equal(folders.length, 3, 'each backup has its own folder')
  for (const folder of folders) {
    t.match(folder, STAMPED)
    for (const p of paths) {
      const meta = JSON.parse(readFileSync(join(to, folder, 'shares', 'data', 'demo', `${p}.json`), 'utf8'))
      t.equal(validator().check('asset.schema.json', meta), null, `${folder}/${p}: a whole sidecar`)
      const rounds = new Set(String(meta.description).match(/edit \d+/g) ?? [])
      t.ok(rounds.size <= 1, `${folder}/${p}: one edit, not two mixed`)
      // Each edit is in the asset's history too: the copy ends with a whole line, every line an event.
      const history = readFileSync(join(to, folder, 'shares', 'data', 'demo', `${p}.history.jsonl`), 'utf8')
      t.ok(history.endsWith('\n'), `${folder}/${p}: the history ends with a whole line`)
      t.ok(history.trim().split('\n').every((line) => validator().check('history-event.schema.json', JSON.parse(line)) === null), `${folder}/${p}: every line of it an event`)
    }
  }
})

t.test('bad requests are refused with a reason and leave nothing behind', async (t) => {
  const s = await startTestServer(t)
  const to = join(s.dir, 'backups')
  const cases: Array<[string[], number, RegExp]> = [
    [[], 2, /which project\?/],
    [['demo', 'other'], 2, /one project at a time/],
    [['demo', '--to'], 2, /--to needs a folder/],
    [['demo', '--everything'], 2, /unknown option --everything/],
    [['nosuch', '--to', to], 1, /there is no project "nosuch" \(known: demo\)/],
    [['../demo', '--to', to], 1, /"\.\.\/demo" is not a project name/],
    [['demo', '--to', join(s.projectDir(), 'backups')], 1, /is inside the project's own folder/],
  ]
  for (const [args, code, message] of cases) {
    const res = await runMain(backup, args, { config: s.config.file })
    t.equal(res.code, code, args.join(' '))
    t.match(res.stderr, message)
  }
  writeFileSync(join(s.dir, 'a-file'), '')
  const notDir = await runMain(backup, ['demo', '--to', join(s.dir, 'a-file')], { config: s.config.file })
  t.equal(notDir.code, 1)
  t.match(notDir.stderr, /a-file is not a folder/)
  t.same(readdirSync(s.dir).filter((n) => n.includes('backup')), [], 'no backup folder was made')
})

t.test('--no-old leaves out checkpoints and deleted assets', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  await s.app.inject({ method: 'POST', url: '/api/projects/demo/checkpoints/props/cake.blend', headers: { cookie } })
  const to = join(s.dir, 'backups')
  const res = await runMain(backup, ['demo', '--to', to, '--no-old'], { config: s.config.file })
  t.equal(res.code, 0, res.stderr)
  const copied = filesUnder(join(to, readdirSync(to)[0]!, 'shares', 'data', 'demo'))
  t.ok(copied.includes('props/cake.blend.json'))
  t.notOk(copied.some((f) => f.split('/').includes('old')), 'nothing from old/')
})
