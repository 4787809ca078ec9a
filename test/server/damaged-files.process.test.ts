// Damaged files are never silent (issue 16 item 4): a person's file, the film's project.json, a
// sidecar and an unused language file, damaged on disk, each logged once with its path and reason,
// listed for staff by GET /api/problems, and the rest keeps working. A real server process.
import t from 'tap'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { loadConfig, repoRoot } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { PROCESS_SPACE_TAG } from '../../common/process-space.ts'
import { until } from '../helpers/until.ts'
import { testRoot } from '../helpers/folders.ts'

interface Problem { kind: string, file: string, reason: string, subject?: string, project?: string }

t.test('damaged files are logged once, listed for staff, and the rest keeps working', async (t) => {
  const dir = testRoot(t)
  cpSync(join(repoRoot, 'config', 'languages'), join(dir, 'languages'), { recursive: true })
  const configFile = writeTestConfig(dir, { logLevel: 'warn', rescanSeconds: 1, languages: 'languages' })
  const config = loadConfig(configFile)
  await seedDemoIfEmpty(config)
  const mia = join(config.usersDir, 'mia.json')
  const miaBefore = readFileSync(mia, 'utf8')
  writeFileSync(mia, '{\n  "ident": "mia",\n  "name": "Mia Chen",\n  password-hunter2\n}\n')
  const project = config.shares.resolve('data::demo')
  writeFileSync(join(project, 'project.json'), JSON.stringify({ title: 'The Cake Heist', license: 'CC BY 4.0', roles: [{ role: 'Director' }], externalAssets: 'none' }))
  writeFileSync(join(project, 'props', 'cake.blend.json'), 'secret-sauce')
  writeFileSync(join(dir, 'languages', 'de.json'), '{ "code": "de", "name": "Deutsch", "strings": {')

  const server = await startServerProcess(configFile, { t })
  const { url } = server
  // Mia's file is damaged: her log-in is refused (a plain request), and works again once it is fixed.
  const miaLogIn = async () => (await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project: 'demo', user: 'mia' }) })).status
  const get = async (path: string, bearer: string) => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${bearer}` } })
    return { status: res.status, json: await res.json() as unknown }
  }
  const teacher = (await logIn(url, 'teacher', { secret: '1234' })).token
  const sam = (await logIn(url, 'sam')).token

  const languages = await (await fetch(`${url}/api/languages`)).json() as Array<{ code: string }>
  t.same(languages.map((l) => l.code), ['en'], 'the damaged language is left out; the server runs')

  const problems = await get('/api/problems', teacher)
  t.equal(problems.status, 200)
  const list = (problems.json as { problems: Problem[] }).problems
  const byFile = new Map(list.map((p) => [p.file, p]))
  t.match(byFile.get('users/mia.json'), { kind: 'user', subject: 'mia', reason: /^not valid JSON \(line 4, column 3\)$/ }, 'Mia\'s damaged file, with where')
  t.match(byFile.get('languages/de.json'), { kind: 'language', subject: 'de', reason: /not valid JSON/ })
  t.match(byFile.get('data::demo/project.json'), { kind: 'project-file', project: 'demo', reason: /\/roles\/0 .*|\/externalAssets/ })
  t.match(byFile.get('data::demo/props/cake.blend.json'), { kind: 'asset', project: 'demo', subject: 'props/cake.blend', reason: /not valid JSON/ })
  t.equal(list.length, 4, 'nothing else is listed')
  t.notMatch(JSON.stringify(list), /hunter2|secret-sauce|Director/, 'no reason quotes the damaged file')
  t.equal((await get('/api/problems', sam)).status, 403, 'students do not get the list')

  const file = await get('/api/projects/demo/file', sam)
  t.match(file.json, { title: 'The Cake Heist', license: 'CC BY 4.0', roles: [], externalAssets: [] }, 'the film\'s details show what can be read')
  const credits = await get('/api/projects/demo/credits?format=json', sam) as { json: { text: string, warnings: string[] } }
  t.match(credits.json.text, /The Cake Heist\nCC BY 4\.0\n$/, 'the credits keep the title and licence')
  t.match(credits.json.warnings.join('\n'), /project\.json/, 'and say project.json is damaged')

  const linesAbout = (what: string) => server.logs.filter((e) => e.file === what)
  // Two rescans (rescanSeconds: 1) at least: each removes a temp file a dead writer left in users/,
  // and says so; the project's own rescans run on timers of the same period.
  const dead = spawnSync(process.execPath, ['-e', '']).pid!
  for (let rescan = 1; rescan <= 3; rescan++) {
    const name = `.rescan-${rescan}.json.${PROCESS_SPACE_TAG}-${dead}.0123abcd.tmp`
    writeFileSync(join(config.usersDir, name), '')
    await until(`rescan ${rescan}`, () => server.lines.some((l) => l.includes(name)))
  }
  for (const what of ['users/mia.json', 'languages/de.json', 'data::demo/project.json', 'data::demo/props/cake.blend.json']) {
    t.equal(linesAbout(what).length, 1, `${what} is logged once, not at every rescan`)
  }
  t.match(linesAbout('users/mia.json')[0], { level: 'warn', msg: 'damaged file', kind: 'user', subject: 'mia', reason: /not valid JSON \(line 4, column 3\)/ }, 'the log says why')

  writeFileSync(mia, miaBefore)
  await until('mia listed no more', async () => !((await get('/api/problems', teacher)).json as { problems: Problem[] }).problems.some((p) => p.file === 'users/mia.json'))
  t.equal(await miaLogIn(), 200, 'fixed, Mia logs in again')
  await until('the fix logged', () => linesAbout('users/mia.json').length === 2)
  t.match(linesAbout('users/mia.json')[1], { msg: /can be read again/ })
})
