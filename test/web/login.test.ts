// Log-in and log-out in a real browser: project card, face, PIN for those who have one.
import t from 'tap'
import { hasChromium, launchBrowser, startWebServer, watchErrors } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a student logs in by picking the project and their face, and logs out', async (t) => {
  const server = await startWebServer(t)
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
  const server = await startWebServer(t)
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ baseURL: server.url })
  await page.goto('/')
  await page.getByRole('button', { name: /Teacher/ }).click()
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
