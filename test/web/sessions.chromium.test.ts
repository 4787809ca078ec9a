// Log-ins on the profile page, in a real browser: a person sees where they are logged in and can log
// out everywhere; staff can do that for someone else, and unlock a log-in that must wait after wrong PINs.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hashSecret } from '../../server/auth/passwords.ts'
import { startTestServer } from '../helpers/server.ts'
import { ManualClock } from '../../server/farm/clock.ts'
import { hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

async function logIn (url: string, user: string, secret?: string, userAgent = 'rfam-blender-addon') {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ project: 'demo', user, ...(secret ? { secret } : {}) }),
  })
  return { status: res.status, token: res.headers.get('x-rfam-token') ?? '' }
}

const valid = async (url: string, token: string) =>
  (await fetch(`${url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status === 200

t.test('staff log a student out everywhere from the student\'s profile', async (t) => {
  const server = await startTestServer(t, { web: true })
  const blender = await logIn(server.url, 'mia')
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'teacher')
  await page.goto('/profile/mia')
  const section = page.getByRole('region', { name: 'Log-ins' })
  await section.getByText('Where Mia Chen is logged in.').waitFor()
  t.equal(await section.getByText('Blender add-on · 127.0.0.1').count(), 1, 'her Blender is listed')
  await section.getByRole('button', { name: 'Log out everywhere' }).click()
  await page.getByText('Mia Chen is logged out everywhere (1).').waitFor()
  t.notOk(await valid(server.url, blender.token), 'her Blender\'s token is refused now')
  await section.getByText('Not logged in anywhere.').waitFor()
  t.equal(await section.getByRole('button', { name: 'Unlock log-in' }).count(), 0, 'nothing to unlock')
  t.same(errors, [])
})

t.test('staff unlock a log-in that must wait after wrong PINs', async (t) => {
  // The server's clock stands still: the wait cannot run out while the test looks at it.
  const server = await startTestServer(t, { web: true, clock: new ManualClock(Date.now()) })
  const file = join(server.config.usersDir, 'mia.json')
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), secret: await hashSecret('2468') }))
  server.app.rfam.workspace.users.reload()
  const teacherPage = await loggedInPage(await launchBrowser(t), server, 'teacher')
  for (let i = 0; i < 8; i++) await logIn(server.url, 'mia', '0000')
  t.equal((await logIn(server.url, 'mia', '2468')).status, 429, 'mia must wait')

  const { page } = teacherPage
  await page.goto('/profile/mia')
  const section = page.getByRole('region', { name: 'Log-ins' })
  await section.getByText('6 wrong tries lately: the next log-in must wait 1 s.').waitFor()
  await section.getByRole('button', { name: 'Unlock log-in' }).click()
  await page.getByText('Mia Chen can log in again now.').waitFor()
  t.equal((await logIn(server.url, 'mia', '2468')).status, 200, 'mia logs in at once')
})

t.test('a student sees their own log-ins and logs out everywhere, this browser too', async (t) => {
  const server = await startTestServer(t, { web: true })
  const blender = await logIn(server.url, 'alex')
  const { page, errors } = await loggedInPage(await launchBrowser(t), server, 'alex')
  await page.goto('/profile')
  const section = page.getByRole('region', { name: 'Log-ins' })
  await section.getByText('(this one)').waitFor()
  t.equal(await section.getByRole('listitem').count(), 2, 'this browser and Blender')
  t.equal(await section.getByRole('button', { name: 'Unlock log-in' }).count(), 0, 'no staff buttons')
  await section.getByRole('button', { name: 'Log out everywhere' }).click()
  await page.getByRole('heading', { name: 'Welcome to RFAM' }).waitFor()
  t.notOk(await valid(server.url, blender.token), 'Blender is logged out too')
  t.same(errors.filter((e) => !e.includes('401')), [])
})
