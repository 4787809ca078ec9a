// The other pages in a real browser: the to-do card edited in place, Team, Shots (rating and stage); and
// every page at phone width and from the keyboard. (Rendering has its own file.)
import t from 'tap'
import { join } from 'node:path'
import type { Asset } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, loggedInPage, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('home: the top task is a card edited in place; teammates asking for help are listed', async (t) => {
  const { server, page, errors } = await startAndOpen(t, 'alex', '/')
  const sidecar = () => readJson<Asset>(join(server.projectDir(), 'characters/chef_bun.blend.json'))
  const card = page.getByRole('article', { name: 'Chef Bun' })
  await card.waitFor()
  await card.getByLabel('Description').fill('Rig the arms first.')
  await until('description saved', () => sidecar().description === 'Rig the arms first.')
  await card.locator('[data-status="saved"]').first().waitFor()
  t.pass('the description is saved half a second after typing stops')
  await card.getByLabel('State').selectOption('rig')
  await until('state saved', () => sidecar().state === 'rig')
  t.ok(await card.locator('.faces').getByText('Mia Chen').isVisible(), 'the supporters are shown')
  const help = page.getByText('Zoë Haddad needs help with')
  t.ok(await help.isVisible(), 'Zoë\'s top asset lists Alex as support')
  t.ok(await page.getByRole('link', { name: 'Shot 020 Heist' }).isVisible())
  t.same(errors, [], 'no page errors')
})

t.test('team: everyone with their current task and helpers', async (t) => {
  const { page } = await startAndOpen(t, 'sam', '/team')
  const zoe = page.locator('li').filter({ has: page.getByRole('heading', { name: 'Zoë Haddad' }) })
  await zoe.waitFor()
  t.match(await zoe.textContent(), /Working on.*Shot 020 Heist.*Helped by.*Alex Rivera/s)
  const teacher = page.locator('li').filter({ has: page.getByRole('heading', { name: /Teacher/ }) })
  t.match(await teacher.textContent(), /Nothing assigned/)
})

t.test('shots: renderable assets with a rating and a pipeline stage', async (t) => {
  const { server, page, errors } = await startAndOpen(t, 'leo', '/shots')
  const sidecar = () => readJson<Asset>(join(server.projectDir(), 'shots/shot_010_intro.blend.json'))
  const shot = page.locator('li').filter({ has: page.getByRole('link', { name: 'Shot 010 Intro' }) })
  await shot.waitFor()
  t.same(await page.locator('li .name a').allTextContents(), ['Final Film', 'Shot 010 Intro', 'Shot 020 Heist'], 'renderable assets by name')
  await shot.locator('label', { hasText: '4 of 5 stars' }).click()
  await until('rating saved', () => sidecar().rating === 4)
  await shot.getByLabel('Final render').selectOption('ready')
  await until('stage saved', () => sidecar().pipeline === 'ready')
  await until('the card shows the stage', async () => await shot.getAttribute('data-stage') === 'ready')
  t.pass('the card takes the stage\'s colour')
  // The rating works from the keyboard too: arrow keys move between the stars.
  await shot.getByRole('radio', { name: '4 of 5 stars' }).focus()
  await page.keyboard.press('ArrowRight')
  await until('rating 5', () => sidecar().rating === 5)
  t.same(errors, [], 'no page errors')
})

t.test('every page fits a 360 px phone screen and works from the keyboard', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'teacher', { width: 360 })
  for (const path of ['/', '/assets', '/asset?path=characters/chef_bun.blend', '/new', '/team', '/project', '/shots', '/credits', '/rendering', '/profile']) {
    await page.goto(path)
    await page.locator('rfam-app').locator('main h1').first().waitFor()
    await page.waitForTimeout(100)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    t.equal(overflow, 0, `${path}: nothing sticks out sideways`)
  }
  await page.goto('/assets')
  await page.locator('.asset-row').first().waitFor()
  await page.keyboard.press('Tab')
  const first = await page.evaluate(() => {
    let active = document.activeElement
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
    return { text: active?.textContent?.trim(), outline: active ? getComputedStyle(active).outlineStyle : '' }
  })
  t.equal(first.text, 'Skip to the page', 'the first Tab reaches the skip link')
  t.equal(first.outline, 'solid', 'and the focus is visible')
  t.same(errors, [], 'no page errors')
})
