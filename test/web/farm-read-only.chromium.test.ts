// The Rendering page while the farm's folder is full (issue 16, item 1): a banner says the farm has
// stopped and what to do, as soon as the farm notices (live, without a reload), and goes by itself
// once there is room again. A real full disk: a small tmpfs as the farm folder (root only).
import t from 'tap'
import { fillDisk, mountSmallDisk } from '../helpers/small-disk.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, loggedInPage, callAs } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a banner while the farm folder is full; gone once there is room', async (t) => {
  const farmDir = mountSmallDisk(t, '1m')
  if (!farmDir) return t.plan(0, 'needs root to mount a small tmpfs as the farm folder')
  const server = await startTestServer(t, { web: true, config: { farm: farmDir } })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  await page.goto('/rendering')
  await page.getByRole('heading', { name: 'Render a file' }).waitFor()
  const banner = page.getByRole('alert').filter({ hasText: 'The disk holding the farm\'s files is full' })
  t.equal(await banner.count(), 0, 'no banner while the farm can write')

  const free = fillDisk(farmDir)
  const refused = await callAs(server, 'leo', 'POST', '/api/projects/demo/jobs', { file: 'props/cake.blend', frameStart: 1, frameEnd: 3 })
  t.equal(refused.status, 507, 'a new job is refused: the farm folder is full')
  await banner.waitFor()
  t.match(await banner.textContent(), /Ask a teacher to free some space; the farm goes on by itself once there is room/, 'the banner appears without a reload, saying what to do')

  free()
  await banner.waitFor({ state: 'detached', timeout: 15_000 })
  t.pass('and goes once there is room again')
  t.equal((await callAs(server, 'leo', 'POST', '/api/projects/demo/jobs', { file: 'props/cake.blend', frameStart: 1, frameEnd: 3 })).status, 201, 'the same job is accepted now')
  t.same(errors, [])
})
