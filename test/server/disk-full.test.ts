// A full share, for real: the share "data" is a small tmpfs filled up with one big file. Edits and new
// assets answer 507 with a sentence that names the share and says what to do; nothing is half-written
// and no temp file is left behind; once space is freed the same edits work.
// Temp files left by writers that died are swept at the next start, in every folder RFAM writes.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer, writeTestConfig } from '../helpers/server.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { templatePath } from '../../server/store/defaults-sets.ts'
import { PROCESS_SPACE_TAG } from '../../common/process-space.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'

/** Every name in a folder tree, dot-files included. */
function tree (dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => d.isDirectory()
    ? [prefix + d.name + '/', ...tree(join(dir, d.name), prefix + d.name + '/')]
    : [prefix + d.name])
}

const FULL = 'The disk holding the share "data" is full, so nothing was saved. Ask a teacher to free some space, then try again.'

t.test('a full share answers 507 and says so; nothing is half-written or left behind; freed, it works', async (t) => {
  const share = mountSmallDisk(t, '8m')
  if (!share) return t.plan(0, 'needs root to mount a small tmpfs as the share')
  const s = await startTestServer(t, { config: { shares: [{ ident: 'data', path: share }] } })
  const { cookie } = await logIn(s, 'mia')
  const project = s.projectDir()
  const sidecar = join(project, 'props', 'cake.blend.json')
  const before = readFileSync(sidecar, 'utf8')
  const treeBefore = tree(project)
  const free = fillDisk(share)

  const edit = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie }, payload: { description: 'A cake with four layers now.' } })
  t.equal(edit.statusCode, 507, 'an edit answers 507 Insufficient Storage')
  t.same(edit.json(), { statusCode: 507, error: 'Insufficient Storage', code: 'RFAM_DISK_FULL', message: FULL, sentence: { key: 'error:disk-full', params: { where: 'the share "data"' } } })
  t.equal(readFileSync(sidecar, 'utf8'), before, 'the sidecar is as it was')

  const created = await s.app.inject({ method: 'POST', url: '/api/projects/demo/assets', headers: { cookie }, payload: { name: 'Teapot', type: 'prop' } })
  t.equal(created.statusCode, 507, 'a new asset (a template copied, a sidecar written) answers 507')
  t.equal(created.json().message, FULL)

  const teacher = (await logIn(s, 'teacher', { secret: '1234' })).cookie
  const film = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/file', headers: { cookie: teacher }, payload: { description: 'Longer now.' } })
  t.equal(film.statusCode, 507, 'the film\'s details answer 507 too')
  t.same(tree(project), treeBefore, 'no temp file, no half-copied .blend, no lock is left in the project')
  t.same(s.app.rfam.workspace.store('demo').views().byPath.has('props/teapot.blend'), false)

  // Room for the template's copy (and the lock) but not for the sidecar: the copy must not stay.
  const set = s.app.rfam.workspace.store('demo').defaults()
  const template = statSync(templatePath(set, set.types.get('prop')!)!).size
  const filler = join(share, 'filler.bin')
  truncateSync(filler, statSync(filler).size - (Math.ceil(template / 4096) + 1) * 4096)
  const halfway = await s.app.inject({ method: 'POST', url: '/api/projects/demo/assets', headers: { cookie }, payload: { name: 'Teapot', type: 'prop' } })
  t.equal(halfway.statusCode, 507, 'room for the copy of the template but not its sidecar: 507')
  t.same(tree(project), treeBefore, 'and the copy is gone again')

  free()
  const again = await s.app.inject({ method: 'PATCH', url: '/api/projects/demo/assets/props/cake.blend', headers: { cookie }, payload: { description: 'A cake with four layers now.' } })
  t.equal(again.statusCode, 200, 'with space freed, the same edit works')
  t.equal(JSON.parse(readFileSync(sidecar, 'utf8')).description, 'A cake with four layers now.')
  const teapot = await s.app.inject({ method: 'POST', url: '/api/projects/demo/assets', headers: { cookie }, payload: { name: 'Teapot', type: 'prop' } })
  t.equal(teapot.statusCode, 201, 'and the new asset is made')
})

t.test('temp files of writers that died are swept at start in every folder RFAM writes; others are left', async (t) => {
  const configFile = writeTestConfig(testFolder(t, 'server'))
  const config = loadConfig(configFile)
  await seedDemoIfEmpty(config)
  const projectDir = config.shares.resolve('data::demo')
  const dead = spawnSync(process.execPath, ['-e', '']).pid!
  const leftBy = (pid: number, space = PROCESS_SPACE_TAG) => `.${'x.json'}.${space}-${pid}.0123abcd.tmp`
  const pictures = join(config.shares.resolve('data::'), 'pictures', 'users')
  mkdirSync(pictures, { recursive: true })
  mkdirSync(config.cacheDir, { recursive: true })
  for (const farmFolder of ['jobs', 'previews']) mkdirSync(join(config.farmDir, farmFolder), { recursive: true })
  const folders = [join(projectDir, 'props'), projectDir, config.usersDir, config.projectsDir, config.secretsDir, pictures, config.cacheDir, join(config.farmDir, 'jobs'), join(config.farmDir, 'previews')]
  const anHourAgo = new Date(Date.now() - 3600_000)
  for (const folder of folders) {
    writeFileSync(join(folder, leftBy(dead)), '') // this machine, a process that is gone
    writeFileSync(join(folder, `.x.json.${dead}.0123abcd.tmp`), '{') // the older name, long ago
    utimesSync(join(folder, `.x.json.${dead}.0123abcd.tmp`), anHourAgo, anHourAgo)
    writeFileSync(join(folder, leftBy(process.pid, 'ffffffff')), '') // another machine, now: maybe writing
    writeFileSync(join(folder, leftBy(process.ppid)), '') // a live process of this machine
  }
  mkdirSync(join(projectDir, 'props', `.cake.blend.json.lock.${PROCESS_SPACE_TAG}-${dead}.0123abcd.tmp`)) // a lock being made
  await startTestServer(t, { configFile, demo: false })
  for (const folder of folders) {
    const temps = readdirSync(folder).filter((n) => n.endsWith('.tmp')).sort()
    t.same(temps, [leftBy(process.pid, 'ffffffff'), leftBy(process.ppid)].sort(), `${folder}: only the temps of writers that may live are left`)
  }
  t.notOk(existsSync(join(projectDir, 'props', `.cake.blend.json.lock.${PROCESS_SPACE_TAG}-${dead}.0123abcd.tmp`)))
})
