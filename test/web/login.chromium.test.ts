// Log-in and log-out in a real browser: project card, face, PIN for those who have one, the wait after
// wrong PINs, and staff who are in no project typing their name.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hashSecret } from '../../server/auth/passwords.ts'
import { startTestServer } from '../helpers/server.ts'
import { ManualClock } from '../../server/farm/clock.ts'
import { hasChromium, launchBrowser, watchErrors } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a student logs in by picking the project and their face, and logs out', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ baseURL: server.url })
  const errors = watchErrors(page)
  await page.goto('/assets')
  await page.getByRole('heading', { name: 'Welcome to RFAM' }).waitFor()
  // The only project is picked already; its people are offered.
  t.equal(await page.getByRole('button', { name: 'The Cake Heist' }).getAttribute('aria-pressed'), 'true', 'the only project is picked')
  await page.getByRole('button', { name: 'Alex Rivera' }).click()
  // The page asked for stays: the Assets page, now logged in.
  await page.getByRole('heading', { name: 'Assets', level: 1 }).waitFor()
  t.match(await page.getByRole('navigation', { name: 'Pages' }).textContent(), /Home.*Assets.*Team.*Project.*Shots.*Rendering.*Credits/)
  await page.getByRole('link', { name: 'Home' }).click()
  await page.getByRole('heading', { name: 'Hi Alex Rivera!' }).waitFor()
  t.equal(await page.getByRole('heading', { name: 'Chef Bun' }).count(), 1, 'the current task is Alex\'s highest-priority asset')

  await page.getByRole('button', { name: 'Log out' }).click()
  await page.getByRole('heading', { name: 'Welcome to RFAM' }).waitFor()
  const session = await page.evaluate(async () => (await fetch('/api/session')).status)
  t.equal(session, 401, 'the session is gone')
  t.same(errors.filter((e) => !e.includes('401')), [], 'no page errors')
})

t.test('staff type their PIN; a wrong one is refused with a sentence', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ baseURL: server.url })
  await page.goto('/')
  await page.getByRole('button', { name: 'Alex Rivera' }).waitFor()
  t.equal(await page.getByText('Staff', { exact: true }).count(), 0, 'the log-in page does not say who is staff')
  t.equal(await page.getByLabel(/Password or PIN/).count(), 0, 'nor who has a PIN')
  await page.getByRole('button', { name: 'Teacher', exact: true }).click()
  const pin = page.getByLabel('Password or PIN for Teacher')
  await pin.fill('0000')
  await page.getByRole('button', { name: 'Log in' }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  t.match(await alert.textContent(), /not right/, 'the server\'s message is shown')
  await pin.fill('1234')
  await pin.press('Enter')
  await page.getByRole('heading', { name: 'Hi Teacher!' }).waitFor()
  t.pass('logged in with the right PIN')
})

t.test('after too many wrong PINs the page says how long to wait, and counts down', async (t) => {
  const clock = new ManualClock(Date.now())
  const server = await startTestServer(t, { web: true, clock, config: { loginThrottle: { freeTries: 1 } } })
  // Wrong PINs tried before (by someone guessing): each wait waited out on the server's clock.
  const guess = () => fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project: 'demo', user: 'teacher', secret: '0000' }) })
  for (let i = 0; i < 12; i++) {
    const res = await guess()
    if (res.status === 429) clock.advance(Number(res.headers.get('retry-after')) * 1000)
  }
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ baseURL: server.url })
  await page.goto('/')
  await page.getByRole('button', { name: 'Teacher', exact: true }).click()
  await page.getByLabel('Password or PIN for Teacher').fill('1234')
  await page.getByRole('button', { name: 'Log in' }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  const first = await alert.textContent()
  t.match(first, /^Too many wrong tries\. Wait (\d+) seconds, then try again\.$/, 'the wait, in a sentence')
  t.ok(await page.getByRole('button', { name: 'Log in' }).isDisabled(), 'the button waits too')
  const seconds = Number(/Wait (\d+)/.exec(first ?? '')![1])
  await page.getByText(`Wait ${seconds - 1} seconds`).waitFor({ timeout: 3000 })
  t.pass('it counts down')

  // In German too.
  await page.getByLabel(/Language|Sprache/).selectOption('de')
  await page.getByText(/^Zu viele falsche Versuche\. Warte \d+ Sekunden und versuch es dann nochmal\.$/).waitFor()
  t.pass('translated')
})

t.test('staff who are in no project type their user name', async (t) => {
  const server = await startTestServer(t, { web: true })
  writeFileSync(join(server.config.usersDir, 'head.json'), JSON.stringify({ ident: 'head', name: 'Head Teacher', projects: [], staff: true, secret: await hashSecret('9753') }))
  server.app.rfam.workspace.users.reload()
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ baseURL: server.url })
  await page.goto('/')
  await page.getByRole('button', { name: 'Alex Rivera' }).waitFor()
  t.equal(await page.getByRole('button', { name: 'Head Teacher' }).count(), 0, 'not among the faces')
  await page.getByText('Not in the list? Type your user name').click()
  await page.getByLabel('User name').fill('head')
  await page.getByRole('button', { name: 'Next' }).click()
  const pin = page.getByLabel('Password or PIN for head')
  await pin.fill('9753')
  await pin.press('Enter')
  await page.getByRole('button', { name: 'Log out' }).waitFor()
  t.match(await page.getByRole('link', { name: /Head Teacher/ }).textContent(), /Head Teacher/, 'logged in to the project')
})
