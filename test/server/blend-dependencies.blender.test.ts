import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { logIn } from '../helpers/login.ts'

const BLENDER = '/usr/bin/blender'

t.test('dependencies come from the libraries a .blend links, and boost what others wait for', { skip: existsSync(BLENDER) ? false : `Blender is not installed at ${BLENDER}` }, async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const dir = s.projectDir()
  const shot = join(dir, 'shots/shot_010_intro.blend')
  execFileSync(BLENDER, ['-b', shot, '--factory-startup', '--python-exit-code', '1', '--python', join(import.meta.dirname, 'link-library.py'), '--', join(dir, 'characters/chef_bun.blend')], { stdio: 'pipe', timeout: 120_000 })
  const get = async (path: string) => (await s.app.inject({ url: `/api/projects/demo/assets/${path}`, headers: { cookie } })).json()
  await until('the shot\'s link to the chef', async () => (await get('shots/shot_010_intro.blend')).dependencies.includes('characters/chef_bun.blend'))
  const shotView = await get('shots/shot_010_intro.blend')
  t.same(shotView.dependencies, ['characters/chef_bun.blend', 'props/cake.blend', 'sets/kitchen.blend'], 'linked library plus the two added by hand')
  const chef = await get('characters/chef_bun.blend')
  t.same(chef.dependents, ['shots/shot_010_intro.blend', 'shots/shot_020_heist.blend'])

  renameSync(join(dir, 'characters/chef_bun.blend'), join(dir, 'chef_bun_moved.blend'))
  await until('the shot\'s missing link', async () => ((await get('shots/shot_010_intro.blend')).missingLinks ?? []).length > 0)
  t.same((await get('shots/shot_010_intro.blend')).missingLinks, ['//../characters/chef_bun.blend'], 'a library that is gone is reported as missing, as the file stores it')
})
