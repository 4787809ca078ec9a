// The Rendering page with a real render node running real Blender: a 2-frame job queued from the form
// renders to 100 % with a picture and render times (on the page and on the asset page); a .blend that is
// no asset, picked with "Show every .blend file", fails for want of a camera and shows Blender's output.
// The form's own checks (priority, frames per task) are refused before anything is sent.
import t from 'tap'
import { join } from 'node:path'
import type { Asset, JobList, JobView } from '../../schemas/generated/types.ts'
import { copyScene, startNode } from '../node/harness.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, callAs, launchBrowser, loggedInPage, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const farmSettings = { heartbeatSeconds: 1, blocklistAfter: 1, maxRetries: 1 }

t.test('a real node renders a job queued from the page; a file without a camera shows its log', async (t) => {
  const server = await startTestServer(t, { web: true, config: { farmSettings } })
  const project = server.projectDir()
  // The demo shot becomes a tiny scene (renders in about a second); a second, broken file is no asset.
  copyScene('tiny.blend', join(project, 'shots'), 'shot_010_intro.blend')
  copyScene('nocam.blend', join(project, 'tests'), 'no camera.blend')
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  await page.goto('/rendering')
  const nodes = page.locator('rfam-node-table')
  await nodes.getByText('No render node has connected yet', { exact: false }).waitFor()

  const credential = await server.app.farm.credentials.create('web-farm-test')
  const node = startNode(t, { server: server.url, credential, name: 'pc-web', shareRoot: server.config.shares.root('data') })
  await node.waitForLog({ msg: 'connected to the server' })
  await nodes.getByRole('heading', { name: 'pc-web' }).waitFor()
  await nodes.getByText('Blender 3.4', { exact: false }).waitFor()
  t.pass('the node appears (with its Blender version) as soon as it says hello')
  await nodes.getByText('Blender runs in a sandbox').waitFor()
  t.pass('a real node on this machine keeps Blender in a sandbox, and the page says so')

  const form = page.locator('rfam-job-form')
  await form.getByLabel('File to render').selectOption('shots/shot_010_intro.blend')
  await form.getByLabel('First frame').fill('1')
  await form.getByLabel('Last frame').fill('2')
  t.equal(await form.getByLabel('Priority').getAttribute('placeholder'), '50', 'an empty priority means the asset\'s own')
  await form.getByLabel('Priority').fill('7')
  await form.getByRole('button', { name: 'Render' }).click()

  const card = page.locator('rfam-job-card').filter({ hasText: 'Shot 010 Intro' })
  await card.getByText('2 of 2 frames done').waitFor({ timeout: 120_000 })
  await card.getByText('Done', { exact: true }).waitFor({ timeout: 30_000 })
  t.pass('progress reaches 2 of 2 and the job is done, without a reload')
  t.equal(await card.getByRole('progressbar').getAttribute('aria-valuenow'), '2')
  const preview = card.locator('img.preview')
  await until('the preview picture loaded', () => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeoutMs: 30_000 })
  t.pass('the latest frame is shown as a picture')
  const list = (await callAs(server, 'leo', 'GET', '/api/projects/demo/jobs')).json as JobList
  const job = list.jobs.find((j) => j.name === 'Shot 010 Intro')!
  t.match(job, { priority: 7, chunkSize: 1, frameStart: 1, frameEnd: 2, status: 'completed' }, 'the form\'s priority reached the job')
  t.ok(job.meanFrameSeconds! > 0)

  await card.getByText('Frames and problems').click()
  const jobStats = card.locator('rfam-render-stats')
  await jobStats.getByText('Slowest frame', { exact: true }).waitFor()
  t.equal(await jobStats.locator('svg rect').count(), 2, 'the job\'s own chart: one bar per frame')

  await until('the sidecar holds both frames', () => {
    const meta = readJson<Asset>(join(project, 'shots/shot_010_intro.blend.json'))
    return Object.keys(meta.renderStats?.frames ?? {}).length === 2
  }, { timeoutMs: 30_000 })

  // A .blend that is no asset: offered only with "Show every .blend file"; its name comes from the file.
  const file = form.getByLabel('File to render')
  t.equal(await file.locator('option', { hasText: 'tests/no camera.blend' }).count(), 0, 'renderable assets only at first')
  await form.getByLabel('Show every .blend file').check()
  await file.locator('optgroup[label=".blend files that are no asset"] option', { hasText: 'tests/no camera.blend' }).waitFor({ state: 'attached' })
  await file.selectOption('tests/no camera.blend')
  t.equal(await form.getByLabel('Job name').inputValue(), 'no camera')
  await form.getByLabel('Last frame').fill('2')
  await form.getByRole('button', { name: 'Render' }).click()
  const broken = page.locator('rfam-job-card').filter({ hasText: 'no camera' })
  await broken.getByText('Failed', { exact: true }).waitFor({ timeout: 120_000 })
  await broken.getByText('Cannot render, no camera', { exact: false }).first().waitFor()
  t.pass('the failure is said in a sentence on the card')
  await broken.getByText('Frames and problems').click()
  const log = broken.locator('pre').first()
  await log.waitFor()
  t.match(await log.textContent(), /Error: Cannot render, no camera/, 'the end of Blender\'s output, in a <pre>')
  t.equal(await broken.locator('pre').evaluateAll((pres) => pres.every((p) => p.children.length === 0)), true, 'plain text, no markup')

  await page.goto('/asset?path=shots/shot_010_intro.blend')
  const stats = page.locator('rfam-render-stats')
  await stats.getByText('Average frame').waitFor()
  t.equal(await stats.locator('svg rect').count(), 2, 'the asset page charts both frames')
  t.same(errors, [], 'no page errors')
})

t.test('the form refuses a bad priority or frames per task before sending; it fits a phone', async (t) => {
  const { server, page, errors } = await startAndOpen(t, 'leo', '/rendering', { width: 360 })
  const form = page.locator('rfam-job-form')
  await form.getByLabel('File to render').selectOption('shots/shot_010_intro.blend')
  await form.getByLabel('Last frame').fill('3')
  await form.getByLabel('Priority').fill('2.5')
  await form.getByRole('button', { name: 'Render' }).click()
  t.match(await form.getByRole('alert').textContent(), /priority must be a whole number/)
  await form.getByLabel('Priority').fill('')
  await form.getByLabel('Frames in one go').fill('0')
  await form.getByRole('button', { name: 'Render' }).click()
  t.match(await form.getByRole('alert').textContent(), /“Frames in one go” must be a whole number from 1 to 10000/)
  t.same(((await callAs(server, 'leo', 'GET', '/api/projects/demo/jobs')).json as JobList).jobs, [], 'nothing was queued')

  await form.getByLabel('Frames in one go').fill('2')
  await form.getByRole('button', { name: 'Render' }).click()
  await page.locator('rfam-job-card').filter({ hasText: 'Shot 010 Intro' }).getByText('0 of 3 frames done').waitFor()
  const job = ((await callAs(server, 'leo', 'GET', '/api/projects/demo/jobs')).json as JobList).jobs[0] as JobView
  t.match(job, { chunkSize: 2, priority: 50 }, 'frames per task sent; an empty priority leaves the asset\'s')
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing sticks out sideways at 360 px')

  // Keyboard: the "every file" box toggles with Space and the file list grows.
  const box = form.getByLabel('Show every .blend file')
  await box.focus()
  await page.keyboard.press('Space')
  t.equal(await box.isChecked(), true)
  await form.locator('optgroup[label="Other assets"]').waitFor({ state: 'attached' })
  t.same(errors, [], 'no page errors')
})
