// The guardrails a first-time user runs into: a name cleared by mistake says why it is not saved; a second
// asset with a name already taken is refused with a sentence (in the page's language); Cancel of a render
// asks first, saying how many frames are done; the progress bar fills only with frames really done; a
// node lists its frames as a range inside its card and says "Rendering" only while it renders; a toast
// never covers the field it talks about; what the farm says about a job reaches a German page in German.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { until } from '../helpers/until.ts'
import { fakeNode } from './fake-node.ts'
import { startTestServer } from '../helpers/server.ts'
import { callAs, hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a cleared name says why it is not saved, and nothing is saved', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  const sidecar = join(server.projectDir(), 'characters/chef_bun.blend.json')
  await page.goto('/asset?path=characters/chef_bun.blend')
  const name = page.locator('rfam-inline-text').filter({ hasText: 'Name' }).first()
  await name.getByLabel('Name').fill('')
  await name.getByLabel('Name').blur()
  const why = name.getByRole('alert')
  await why.waitFor()
  t.equal(await why.textContent(), '“Name” cannot be empty, so this is not saved: it stays “Chef Bun”. Type something to change it.')
  t.equal(await name.getByLabel('Name').getAttribute('aria-invalid'), 'true')
  await page.waitForTimeout(800)
  t.match(JSON.parse(readFileSync(sidecar, 'utf8')), { name: 'Chef Bun' }, 'the name on disk is unchanged')
  await name.getByLabel('Name').fill('Chef Bun Deluxe')
  await until('renamed', () => JSON.parse(readFileSync(sidecar, 'utf8')).name === 'Chef Bun Deluxe')
  t.notOk(await why.isVisible(), 'the reason goes once there is a name again')
  t.same(errors, [], 'no page errors')
})

t.test('a second asset with a name already taken is refused with a sentence, in German too', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page } = await loggedInPage(browser, server, 'alex')
  await page.goto('/new')
  await page.getByLabel('Name', { exact: true }).fill('cake')
  await page.getByLabel('Type').selectOption('prop')
  await page.getByLabel('File name').fill('props/cake_two.blend')
  await page.getByRole('button', { name: 'Create' }).click()
  t.equal(await page.getByRole('alert').textContent(),
    'There is already an asset called “Cake” (props/cake.blend). Give this one another name, so nobody mixes them up.')
  await page.locator('header').getByLabel('Language').selectOption('de')
  await page.getByRole('heading', { name: 'Neues Asset' }).waitFor()
  await page.getByRole('button', { name: 'Anlegen' }).click()
  await page.getByRole('alert').filter({ hasText: 'Es gibt schon ein Asset namens „Cake“ (props/cake.blend).' }).waitFor()
  t.pass('the server\'s sentence reaches the German page in German')
  const list = (await callAs(server, 'alex', 'GET', '/api/projects/demo/assets')).json as { assets: Array<{ path: string }> }
  t.notOk(list.assets.some((a) => a.path === 'props/cake_two.blend'), 'no second Cake was made')
})

t.test('rendering: cancel asks first, the bar shows only frames done, nodes say what they really do', async (t) => {
  const server = await startTestServer(t, { web: true, config: { farmSettings: { heartbeatSeconds: 600 } } })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  await callAs(server, 'leo', 'POST', '/api/projects/demo/jobs', { file: 'shots/shot_020_heist.blend', frameStart: 4, frameEnd: 50, chunkSize: 47 })
  const node = await fakeNode(server, 'pc-lab-1')
  const run = await node.work()
  await page.goto('/rendering')
  const card = page.locator('rfam-job-card').filter({ hasText: 'Shot 020 Heist' })
  await card.getByText('0 of 47 frames done').waitFor()
  const filled = () => card.locator('.bar').evaluate((bar) => [...bar.children].reduce((sum, part) => sum + part.getBoundingClientRect().width, 0))
  t.equal(await filled(), 0, 'all 47 frames are being rendered, none done: the bar is empty')

  const nodes = page.locator('rfam-node-table')
  const nodeCard = nodes.locator('li.node').filter({ hasText: 'pc-lab-1' })
  await nodeCard.getByText('Shot 020 Heist: frames 4–50').waitFor()
  t.pass('the node lists its frames as a range')
  const inside = await nodeCard.evaluate((li) => {
    const box = li.getBoundingClientRect()
    return [...li.querySelectorAll('*')].every((el) => { const r = el.getBoundingClientRect(); return r.width === 0 || (r.left >= box.left - 0.5 && r.right <= box.right + 0.5) })
  })
  t.ok(inside, 'nothing in the node card reaches out of it')
  t.equal(await nodeCard.locator('.state').textContent(), 'Rendering')

  await node.write(run, [4, 5, 6], 'shots/shot_020_heist')
  await card.getByText('3 of 47 frames done').waitFor()
  const width = await card.locator('.bar').evaluate((bar) => bar.getBoundingClientRect().width)
  t.ok(Math.abs(await filled() - width * 3 / 47) < 1.5, 'three frames done fill 3/47 of the bar')

  await card.getByRole('button', { name: 'Cancel: Shot 020 Heist' }).click()
  const ask = card.getByRole('dialog', { name: 'Cancel this render?' })
  t.match(await ask.textContent(), /3 of 47 frames are done: they stay in the renders folder\. The other 44 frames will not be rendered\./)
  await ask.getByRole('button', { name: 'Yes, cancel it' }).click()
  await card.locator('.status.cancelled').waitFor()
  t.equal(await card.locator('.message:not(.settings)').first().textContent(), 'Cancelled by Leo Novak.')
  await node.done(run).catch(() => undefined) // the node hears of the cancel; its run ends
  await nodeCard.locator('.state', { hasText: 'Waiting for work' }).waitFor()
  t.equal(await nodeCard.locator('.runs').count(), 0, 'once its run ends the node says it waits, without a reload')

  await page.locator('header').getByLabel('Language').selectOption('de')
  await card.getByText('Abgebrochen von Leo Novak.').waitFor()
  t.pass('the job\'s message is German on a German page')
  t.same(errors.filter((e) => !/status of 409/.test(e)), [], 'no page errors')
})

t.test('a toast never covers the field it talks about', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page } = await loggedInPage(browser, server, 'alex', { width: 390, height: 844 })
  await page.goto('/asset?path=characters/chef_bun.blend')
  const description = page.getByLabel('Description')
  await description.waitFor()
  // Every save of this asset fails (the disk is full, say): the toast says so.
  await page.route('**/api/projects/demo/assets/characters/chef_bun.blend', (route) => route.request().method() === 'PATCH'
    ? route.fulfill({ status: 507, contentType: 'application/json', body: JSON.stringify({ statusCode: 507, error: 'Insufficient Storage', code: 'RFAM_DISK_FULL', message: 'The disk holding data is full, so nothing was saved. Ask a teacher to free some space, then try again.', sentence: { key: 'error:disk-full', params: { where: 'data' } } }) })
    : route.continue())
  for (const where of ['bottom', 'middle']) {
    // The field at the bottom of the screen, then in the middle.
    await description.evaluate((el, where) => {
      const r = el.getBoundingClientRect()
      window.scrollBy(0, where === 'bottom' ? r.bottom - window.innerHeight + 8 : r.top - window.innerHeight / 2)
    }, where)
    await description.fill(`More sparkle (${where})`)
    const toast = page.locator('rfam-toast .toast.error')
    await toast.waitFor()
    const field = await description.boundingBox()
    const box = await toast.boundingBox()
    t.ok(field && box && (box.y >= field.y + field.height || box.y + box.height <= field.y), `the field at the ${where}: the toast is above or below it, not on it`)
    t.match(await toast.textContent(), /The disk holding data is full/)
    await toast.getByRole('button', { name: 'Close' }).click()
  }
})
