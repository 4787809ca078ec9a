// The Assets page in a real browser against the real server and files: filter, sort, type toggles, inline
// edits that land in the sidecar on disk (saved / failed marks), broken assets, and names shown as text.
import t from 'tap'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import type { Asset } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, callAs, launchBrowser, loggedInPage, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const rowNames = (page: Page) => page.locator('.asset-row .name a').allTextContents()
const row = (page: Page, name: string) => page.locator('.asset-row').filter({ has: page.getByRole('link', { name, exact: true }) })

/** Picks a choice in a table select the way a person does: reaching for it (focus) first, which also
 * gives it its full list of options. */
async function choose (select: Locator, option: string | { label: string }): Promise<void> {
  await select.focus()
  await select.selectOption(option)
}

async function openAssets (page: Page, count = 10): Promise<void> {
  await page.goto('/assets')
  await until(`${count} rows`, async () => (await rowNames(page)).length === count)
}

t.test('filter by name, sort by any column, toggle and solo types', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  await openAssets(page)
  t.ok(await page.getByText('Total assets: 10').isVisible(), 'the total is shown')
  const byPriority = await rowNames(page)
  t.equal(byPriority[0], 'Chef Bun', 'highest true priority first by default')

  await page.getByLabel('Find by name').fill('kitchen')
  await until('two rows', async () => (await rowNames(page)).length === 2)
  t.same((await rowNames(page)).sort(), ['Kitchen', 'Kitchen Materials'])
  t.ok(await page.getByText('Showing 2 of 10 assets').isVisible(), 'the count says what is shown')
  t.match(page.url(), /q=kitchen/, 'the filter is in the address')
  await page.getByLabel('Find by name').fill('')

  const sortBy = (column: string) => page.locator(`button[data-column="${column}"]`).click()
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
  await sortBy('name')
  let names = await rowNames(page)
  t.same(names, [...names].sort(collator.compare), 'sorted by name, A to Z')
  t.equal(await page.locator('[role="columnheader"][aria-sort="ascending"]').count(), 1, 'the header says how it is sorted')
  await sortBy('name')
  names = await rowNames(page)
  t.same(names, [...names].sort(collator.compare).reverse(), 'again: Z to A')
  await sortBy('owner')
  names = await rowNames(page)
  t.equal(names.at(-1), 'Walk Cycle', 'sorted by owner: the asset nobody owns comes last')
  t.equal(names[0], 'Chef Bun', 'Alex Rivera first')

  await page.getByRole('button', { name: /^Prop\b/ }).click()
  await until('props hidden', async () => (await rowNames(page)).length === 8)
  t.notOk((await rowNames(page)).includes('Cake'), 'a click hides a type')
  await page.getByRole('button', { name: /^Shot\b/ }).dblclick()
  await until('only shots', async () => (await rowNames(page)).length === 2)
  t.same((await rowNames(page)).sort(), ['Shot 010 Intro', 'Shot 020 Heist'], 'a double-click shows only that type')
  await page.getByRole('button', { name: 'Show all' }).click()
  await until('all rows', async () => (await rowNames(page)).length === 10)
  t.same(errors, [], 'no page errors')
})

t.test('inline edits are saved to the sidecar, keeping a priority between levels exactly', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  const sidecar = (path: string) => readJson<Asset>(join(server.projectDir(), `${path}.json`))
  await openAssets(page)

  const owner = page.getByLabel('Owner of Cake')
  t.equal(await owner.locator('option').count(), 1, 'a select holds only its current choice until someone reaches for it')
  await choose(owner, 'leo')
  t.same(await owner.locator('option').allTextContents(), ['Nobody', 'Alex Rivera', 'Leo Novak', 'Mia Chen', 'Sam Okafor', 'Teacher', 'Zoë Haddad'],
    'then it offers nobody and every member')
  await row(page, 'Cake').locator('[data-status="saved"]').waitFor()
  t.equal(sidecar('props/cake.blend').owner, 'leo', 'the owner is on disk')

  const chefPriority = page.getByLabel('Priority of Chef Bun')
  t.equal(await chefPriority.inputValue(), '80', '80 is shown as 80, not snapped to a level')
  t.equal(await chefPriority.locator('option:checked').textContent(), 'Just above High (80)')
  await choose(page.getByLabel('State of Chef Bun'), 'rig')
  await row(page, 'Chef Bun').locator('[data-status="saved"]').waitFor()
  t.match(sidecar('characters/chef_bun.blend'), { state: 'rig', priority: 80 }, 'the state changed and the priority did not')

  await choose(page.getByLabel('Priority of Cake'), { label: 'Urgent' })
  await until('priority saved', () => sidecar('props/cake.blend').priority === 100)
  t.pass('a named level saves its value')
  t.same(errors, [], 'no page errors')
})

t.test('a refused save shows failed, the server\'s reason, and changes nothing', async (t) => {
  const { server, page } = await startAndOpen(t, 'mia', '/asset?path=props/cake.blend')
  const file = join(server.projectDir(), 'props/cake.blend.json')
  const before = readJson<Asset>(file).description
  const description = page.getByLabel('Description')
  await description.fill('x'.repeat(20_001))
  await description.blur()
  const mark = page.locator('rfam-inline-text').filter({ has: description }).locator('[data-status="failed"]')
  await mark.waitFor()
  t.match(await mark.getAttribute('title'), /Not saved: .*description/i, 'the mark carries the reason')
  t.match(await page.getByRole('alert').first().textContent(), /description/i, 'a toast says what went wrong')
  t.equal(readJson<Asset>(file).description, before, 'the sidecar is unchanged')
})

t.test('broken assets are listed with their reason', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page } = await loggedInPage(browser, server, 'alex')
  await openAssets(page)
  const dir = server.projectDir()
  copyFileSync(join(dir, 'props/cake.blend'), join(dir, 'props/crumbs.blend'))
  writeFileSync(join(dir, 'props/crumbs.blend.json'), '{ "name": "Crumbs", ')
  const section = page.getByRole('region', { name: /Broken assets \(1\)/ })
  await section.waitFor()
  t.match(await section.textContent(), /props\/crumbs\.blend/, 'the broken file is named')
  t.equal(await page.getByText('Total assets: 10').count(), 1, 'the healthy assets are all still there')
})

t.test('a name written as HTML is shown as text and never runs', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const name = '<img src=x onerror=alert(1)>'
  const created = await callAs(server, 'alex', 'POST', '/api/projects/demo/assets', { name, type: 'prop', owner: 'alex', description: '<script>alert(2)</script>' })
  t.equal(created.status, 201)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  const dialogs: string[] = []
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss() })
  await openAssets(page, 11)
  t.ok(await page.getByRole('link', { name, exact: true }).isVisible(), 'the assets table shows the name as text')
  t.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> was made from it')
  await page.getByRole('link', { name, exact: true }).click()
  await page.getByRole('heading', { name, level: 1 }).waitFor()
  t.equal(await page.getByLabel('Name', { exact: true }).inputValue(), name, 'the asset page shows it in the name field')
  t.equal(await page.getByLabel('Description').inputValue(), '<script>alert(2)</script>')
  t.equal(await page.locator('img[src="x"], script:not([src])').count(), 0, 'no element was made from it')
  await page.getByRole('link', { name: 'Team' }).click()
  await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor()
  t.same(dialogs, [], 'no alert ever fired')
  t.same(errors, [], 'no page errors')
})
