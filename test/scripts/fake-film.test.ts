// npm run fake-film: a project filled with made-up assets for performance work, each a valid
// sidecar beside a file, which a running server lists.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validator } from '../../schemas/validator.ts'
import { main as fakeFilm } from '../../scripts/fake-film.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { runMain, runScript } from './cli.ts'

t.test('makes that many valid assets, owned by the one asked for, and a running server lists them', async (t) => {
  const s = await startTestServer(t)
  const res = await runMain(fakeFilm, ['demo', '30', '--owner', 'mia'], { config: s.config.file })
  t.equal(res.code, 0, res.stderr)
  t.equal(res.stdout, 'made 30 fake assets in project demo\n')
  const index = s.app.rfam.workspace.store('demo').index
  await index.rescan()
  const sidecars = [...index.entries.keys()].filter((p) => p.includes('/fake_'))
  t.equal(sidecars.length, 30)
  const problems = sidecars.flatMap((p) => {
    const meta = JSON.parse(readFileSync(join(s.projectDir(), `${p}.json`), 'utf8'))
    const problem = validator().check('asset.schema.json', meta)
    return problem ? [`${p}: ${problem}`] : meta.owner === 'mia' ? [] : [`${p}: owned by ${meta.owner}`]
  })
  t.same(problems, [], 'every sidecar matches asset.schema.json and names mia as its owner')
  const { cookie } = await logIn(s, 'alex')
  await until('the fake assets listed', async () => ((await s.app.inject({ url: '/api/projects/demo/assets', headers: { cookie } })).json() as { assets: Array<{ path: string }> }).assets.filter((a) => a.path.includes('/fake_')).length === 30)
  t.pass('the server lists all 30')
})

t.test('a bad command line gets the usage and exit code 2', async (t) => {
  for (const args of [[], ['demo'], ['demo', 'many'], ['demo', '0']]) {
    const res = await runMain(fakeFilm, args)
    t.equal(res.code, 2, args.join(' '))
    t.match(res.stderr, /^usage: npm run fake-film -- <project> <count>/)
  }
})

t.test('as a command (npm run fake-film)', async (t) => {
  const s = await startTestServer(t, { watch: false })
  const res = await runScript('fake-film.ts', ['demo', '5'], { config: s.config.file })
  t.equal(res.code, 0, res.stderr)
  t.equal(res.stdout, 'made 5 fake assets in project demo\n')
})
