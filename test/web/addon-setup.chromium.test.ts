// "Use RFAM in Blender" in a real browser: Home offers it to someone whose Blender is not connected;
// the download is the zip built for this server (it knows the address the browser used); a connect
// code appears with a countdown, and the page sees the add-on take it (the add-on's request is made
// here as the add-on makes it). Then Home no longer offers it and the profile page says Blender is
// connected. A code that runs out says so; nothing is cut off at phone width.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { testFolder } from '../helpers/folders.ts'
import { hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const TITLE = 'Use RFAM in Blender'

/** The address file in a zip, read by Python's zipfile (which checks every CRC). */
function addressIn (zip: string): { server: string } {
  const r = spawnSync('python3', ['-c', 'import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.read("rfam/server_address.json").decode())', zip], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout)
}

/** What the add-on sends when someone types the code and presses Connect. */
async function addonConnects (url: string, code: string): Promise<number> {
  const res = await fetch(`${url}/api/addon/connect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'rfam-blender-addon' },
    body: JSON.stringify({ code: code.toLowerCase() }),
  })
  return res.status
}

t.test('Home → download → code → Blender connected', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'mia')
  await page.goto('/')
  const section = page.getByRole('region', { name: TITLE })
  await section.waitFor()
  t.pass('Home offers it to someone who has never connected Blender')

  for (const [n, alt] of [[1, 'Blender\'s Preferences window on Add-ons'], [2, 'System: RFAM'], [3, 'Connect code']] as const) {
    const picture = section.getByRole('img', { name: new RegExp(alt) })
    await picture.scrollIntoViewIfNeeded()
    t.ok(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), `step ${n}'s picture is there`)
  }
  t.ok(await section.getByRole('heading', { name: 'Install it' }).isVisible(), 'three steps')
  t.ok(await section.getByText('Blender logs in as you, in The Cake Heist.').isVisible(), 'by the project\'s title')

  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Download the add-on' }).click()])
  t.equal(download.suggestedFilename(), 'rfam-addon.zip')
  const zip = join(testFolder(t, 'download'), 'rfam-addon.zip')
  await download.saveAs(zip)
  t.equal(addressIn(zip).server, server.url, 'the zip knows the address the browser used')

  await section.getByRole('button', { name: 'Get a connect code' }).click()
  const code = (await section.getByLabel('Your connect code').textContent())!.trim()
  t.match(code, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/, 'a code easy to type')
  t.match(await section.getByRole('timer').textContent(), /^Works once, for (10:00|9:5\d) more\.$/)
  t.ok(await section.getByText(`The add-on connects to ${server.url}.`).isVisible())

  t.equal(await addonConnects(server.url, code), 200, 'the add-on takes the code')
  await section.getByText('Blender is connected: you are logged in there as Mia Chen.').waitFor({ timeout: 10_000 })
  t.pass('the page sees it within seconds')
  t.equal(await section.getByLabel('Your connect code').count(), 0, 'the used code is gone from the page')

  await page.reload()
  await page.getByRole('heading', { name: 'Hi Mia Chen!' }).waitFor()
  await page.waitForTimeout(500)
  t.equal(await page.getByRole('region', { name: TITLE }).count(), 0, 'Home no longer offers it')

  await page.goto('/profile/mia')
  const onProfile = page.getByRole('region', { name: TITLE })
  await onProfile.getByText('Your Blender is connected.', { exact: false }).waitFor()
  t.ok(await onProfile.getByRole('link', { name: 'Download the add-on' }).isVisible(), 'the profile page keeps it, for another computer')
  await page.getByRole('region', { name: 'Log-ins' }).getByText('Blender add-on').waitFor()
  t.pass('and lists the add-on with her log-ins')
  t.same(errors, [], 'no page errors')
})

t.test('a code that runs out says so and offers a new one; staff see no code on someone else\'s profile', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  await page.clock.install()
  await page.goto('/profile/alex')
  const section = page.getByRole('region', { name: TITLE })
  await section.getByRole('button', { name: 'Get a connect code' }).click()
  const code = (await section.getByLabel('Your connect code').textContent())!.trim()
  await page.clock.runFor(10 * 60_000 + 1000)
  await section.getByText('This code has run out. Get a new one.').waitFor()
  t.equal(await section.getByLabel('Your connect code').count(), 0, 'the old code is no longer shown')
  await section.getByRole('button', { name: 'Get a new code' }).click()
  const fresh = (await section.getByLabel('Your connect code').textContent())!.trim()
  t.not(fresh, code, 'a new code')
  t.equal(await addonConnects(server.url, code), 401, 'the replaced code no longer works on the server')
  t.same(errors, [])

  const teacher = await loggedInPage(browser, server, 'teacher')
  await teacher.page.goto('/profile/alex')
  await teacher.page.getByRole('region', { name: 'Log-ins' }).waitFor()
  t.equal(await teacher.page.getByRole('region', { name: TITLE }).count(), 0, 'a code is only ever for oneself')
})

t.test('nothing is cut off at phone width, in German too', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'zoe', { width: 360 })
  await page.goto('/profile/zoe')
  await page.getByLabel('Language').first().selectOption('de')
  const section = page.getByRole('region', { name: 'RFAM in Blender benutzen' })
  await section.getByRole('button', { name: 'Verbindungscode holen' }).click()
  await section.getByLabel('Dein Verbindungscode').waitFor()
  const overflow = await section.evaluate((el) => {
    const root = el.getRootNode() as ShadowRoot
    return [...root.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
      .map((e) => e.tagName).concat(document.documentElement.scrollWidth > window.innerWidth ? ['the page'] : [])
  })
  t.same(overflow, [], 'no part scrolls sideways or is clipped')
  const box = await section.boundingBox()
  t.ok(box && box.x >= 0 && box.x + box.width <= 360, 'the section fits the screen')
  t.same(errors, [])
})
