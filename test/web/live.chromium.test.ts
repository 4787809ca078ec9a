// Live updates: what one person changes (in their browser, or in the file on disk) shows on everyone
// else's open pages without a reload.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, callAs, launchBrowser, loggedInPage, openAs, readJson } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a change in one browser shows in another, and a change on disk shows in both', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const mia = await loggedInPage(browser, server, 'mia')
  const alex = await loggedInPage(browser, server, 'alex')
  await mia.page.goto('/assets')
  await mia.page.getByLabel('State of Cake').waitFor()
  await mia.page.locator('[role="status"][title^="Live"]').waitFor()
  await alex.page.goto('/asset?path=props/cake.blend')
  await alex.page.getByRole('heading', { name: 'Cake', level: 1 }).waitFor()
  await alex.page.locator('[role="status"][title^="Live"]').waitFor()

  await alex.page.getByLabel('State', { exact: true }).selectOption('ac')
  await until('Mia sees the new state', async () => await mia.page.getByLabel('State of Cake').inputValue() === 'ac')
  t.pass('a select changed by Alex shows on Mia\'s Assets page')
  t.equal(await mia.page.url(), `${server.url}/assets`, 'without a reload or navigation')

  const file = join(server.projectDir(), 'props/cake.blend.json')
  const sidecar = readJson<Asset>(file)
  writeFileSync(file, JSON.stringify({ ...sidecar, name: 'Birthday Cake', description: 'Edited in a text editor.' }, null, 2))
  await until('Alex sees the new description', async () =>
    await alex.page.getByLabel('Description').inputValue() === 'Edited in a text editor.')
  await alex.page.getByRole('heading', { name: 'Birthday Cake', level: 1 }).waitFor()
  await mia.page.getByRole('link', { name: 'Birthday Cake', exact: true }).waitFor()
  t.pass('an edit of the file on disk shows on both pages')

  const created = await callAs(server, 'sam', 'POST', '/api/projects/demo/assets', { name: 'Spoon', type: 'prop' })
  t.equal(created.status, 201)
  await mia.page.getByRole('link', { name: 'Spoon', exact: true }).waitFor()
  t.ok(await mia.page.getByText('Total assets: 11').isVisible(), 'a new asset appears and the total follows')
  t.same([...mia.errors, ...alex.errors], [], 'no page errors')
})

t.test('text being typed is not overwritten by someone else\'s save', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const alex = await openAs(browser, server, 'alex', '/asset?path=characters/chef_bun.blend')
  const description = alex.page.getByLabel('Description')
  await description.waitFor()
  await alex.page.locator('[role="status"][title^="Live"]').waitFor()
  await description.focus()
  await alex.page.keyboard.type(' More')
  // Someone else changes another field meanwhile; the page reloads the asset.
  await callAs(server, 'mia', 'PATCH', '/api/projects/demo/assets/characters/chef_bun.blend', { priority: 90 })
  await until('the page shows the new priority', async () => await alex.page.getByLabel('Priority', { exact: true }).inputValue() === '90')
  t.match(await description.inputValue(), / More$/, 'what Alex typed is still there')
  await description.blur()
  await until('saved', () => readJson<Asset>(join(server.projectDir(), 'characters/chef_bun.blend.json')).description?.endsWith(' More'))
  t.equal(readJson<Asset>(join(server.projectDir(), 'characters/chef_bun.blend.json')).priority, 90, 'and both edits are on disk')
})
