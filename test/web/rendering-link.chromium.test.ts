// A link to one render (?job=, what a "your render is done" notification leads to) in a real Chromium
// against the real server: the notification clicked in the bell opens the Rendering page scrolled to
// that job's card, marked and with its details open; a link to a job that is no more says so plainly.
import t from 'tap'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { framesNode, makeShots, renderShot } from '../helpers/film-shots.ts'
import { hasChromium, launchBrowser, loggedInPage, sessionOf } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a render notification leads to its job on the Rendering page', async (t) => {
  const server = await startTestServer(t, { web: true })
  const teacher = await sessionOf(server, 'teacher')
  const node = await framesNode(server)
  // Six finished renders: the first one's card is far down the list (newest first).
  const jobs: JobView[] = []
  for (const path of await makeShots(teacher.api, 6, 3)) jobs.push(await renderShot(teacher.api, node, path, 2))
  const first = jobs[0]!

  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'teacher', { width: 1000, height: 600 })
  await page.goto('/')
  const bell = page.locator('rfam-notification-bell button.bell')
  await until('six new', async () => (await bell.getAttribute('aria-label')) === 'Notifications: 6 new')
  await bell.click()
  const link = page.locator('rfam-notification-bell .panel').getByRole('link', { name: `Your render '${first.name}' of Shot 030 is finished.` })
  t.equal(await link.getAttribute('href'), `/rendering?job=${first.id}`)
  await link.click()
  await page.waitForURL(`**/rendering?job=${first.id}`)

  const card = page.locator('rfam-job-card[highlighted]')
  await card.waitFor()
  t.equal(await page.locator('rfam-job-card[highlighted]').count(), 1, 'one card marked')
  t.match(await card.locator('h3, [id="name"]').first().innerText(), first.name, 'the linked job\'s card')
  await until('scrolled into view', () => card.evaluate((el) => {
    const box = el.getBoundingClientRect()
    return box.top >= 0 && box.top < window.innerHeight
  }))
  await card.getByRole('columnheader').first().waitFor() // its details are open: the frame table shows
  t.ok(await card.locator('details', { hasText: 'Frames and problems' }).evaluate((d) => (d as HTMLDetailsElement).open), 'its details are open')
  t.equal(await page.locator('rfam-rendering-page .linked-gone').count(), 0)

  // The job is removed; the link still in a notification says so, and the page shows the other jobs.
  t.equal((await teacher.api('DELETE', `/api/projects/demo/jobs/${first.id}`)).status, 204)
  await page.goto(`/rendering?job=${first.id}`)
  await page.locator('rfam-rendering-page').getByText('The render this link leads to is not here any more: it was removed, or it belongs to another project.', { exact: false }).waitFor()
  t.equal(await page.locator('rfam-job-card').count(), 5, 'the other renders are listed')
  t.equal(await page.locator('rfam-job-card[highlighted]').count(), 0, 'none marked')
  t.same(errors, [])
})
