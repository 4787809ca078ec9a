// The Rendering page against the real farm: a job queued from the form, a render node speaking the real
// protocol over HTTP (no Blender needed: the test plays the node), progress, statistics and failures
// showing up live, and the job and node controls.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset, Job } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { farmSender } from './fake-node.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, loggedInPage, openAs, readJson } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('queue a job, watch a node render it, control it', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  const node = await farmSender(server, 'web-test')

  await page.goto('/rendering')
  await page.getByText('No render node has connected yet', { exact: false }).waitFor()
  const form = page.locator('rfam-job-form')
  await form.getByLabel('File to render').selectOption('shots/shot_010_intro.blend')
  t.equal(await form.getByLabel('Job name').inputValue(), 'Shot 010 Intro', 'the name comes from the asset')
  await form.getByLabel('First frame').fill('5')
  await form.getByLabel('Last frame').fill('3')
  await form.getByRole('button', { name: 'Render' }).click()
  t.match(await form.getByRole('alert').textContent(), /comes before the first/, 'a reversed range is caught before sending')
  await form.getByLabel('First frame').fill('1')
  await form.getByRole('button', { name: 'Render' }).click()

  const card = page.locator('rfam-job-card').filter({ hasText: 'Shot 010 Intro' })
  await card.getByText('0 of 3 frames done').waitFor()
  t.equal(await card.locator('.status').textContent(), 'Waiting', 'the job waits for a node')
  await until('the range is remembered on the asset', () => {
    const meta = readJson<Asset>(join(server.projectDir(), 'shots/shot_010_intro.blend.json'))
    return meta.frameStart === 1 && meta.frameEnd === 3
  })

  const welcome = await node('hello', { name: 'pc-lab-1', version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  const session = welcome.session as string
  const nodes = page.locator('rfam-node-table')
  await nodes.getByRole('heading', { name: 'pc-lab-1' }).waitFor()
  t.pass('a node that says hello appears in the nodes table')
  const work = await node('work', { node: 'pc-lab-1', session, free: 1, running: [], wait: false })
  const run = (work.runs as Array<{ job: string, tasks: string[], frames: number[] }>)[0]!
  await card.getByText(`${run.frames.length} rendering on pc-lab-1`).waitFor()
  const range = run.frames.length > 1 ? `${run.frames[0]}–${run.frames.at(-1)}` : String(run.frames[0])
  await nodes.getByText(`Shot 010 Intro: frames ${range}`).waitFor()
  t.pass('the job and the node show what is being rendered')

  // The node writes its first frame, then Blender dies on the next one.
  const firstFrame = run.frames[0]!
  const renders = join(server.projectDir(), 'renders', 'shots', 'shot_010_intro')
  const file = `${String(firstFrame).padStart(4, '0')}.png`
  mkdirSync(renders, { recursive: true })
  writeFileSync(join(renders, file), 'PNG') // the server counts a frame only when its file is there
  await node('report', { node: 'pc-lab-1', session, job: run.job, tasks: run.tasks, frames: [{ frame: firstFrame, seconds: 12.5, memoryMB: 300, file }] })
  await card.getByText('1 of 3 frames done').waitFor()
  await card.getByText('12.5 s').waitFor()
  t.pass('progress and the mean frame time show up as the node reports')
  await node('failed', { node: 'pc-lab-1', session, job: run.job, tasks: run.tasks, frames: [], frame: run.frames[1], exitCode: 1, message: 'Blender stopped with exit code 1.', logTail: 'Error: Cannot read file "<script>alert(1)</script>"' })
  await card.getByText('Problems so far: 1').waitFor()
  await card.getByText('Frames and problems').click()
  // The failure list comes with the job's tasks, fetched when the details open: wait for it
  // (the same message is in the card's summary at once).
  await card.locator('pre').filter({ hasText: '<script>alert(1)</script>' }).waitFor()
  t.ok(await card.locator('pre').filter({ hasText: '<script>alert(1)</script>' }).isVisible(), 'the end of Blender\'s output is shown, as text')
  t.ok(await card.getByText('Blender stopped with exit code 1.').first().isVisible(), 'with the failure message')

  await card.getByRole('button', { name: 'Pause: Shot 010 Intro' }).click()
  await card.locator('.status.paused').waitFor()
  const jobFile = () => readJson<Job>(join(server.config.farmDir, 'jobs', `${run.job}.json`))
  // Job files are rewritten from the journal every few seconds; give a busy machine time.
  await until('the job file says paused', () => jobFile().status === 'paused', { timeoutMs: 60_000 })
  t.pass('the job file says paused')
  await card.getByRole('button', { name: 'Resume: Shot 010 Intro' }).click()
  await card.getByRole('button', { name: 'Cancel: Shot 010 Intro' }).click()
  const ask = card.getByRole('dialog', { name: 'Cancel this render?' })
  await ask.waitFor()
  t.match(await ask.textContent(), /1 of 3 frames are done: they stay in the renders folder. The other 2 frames will not be rendered/, 'Cancel asks first, saying how many frames are done')
  await ask.getByRole('button', { name: 'No, keep rendering' }).click()
  t.notOk(await card.locator('.status.cancelled').isVisible(), 'keeping it changes nothing')
  await card.getByRole('button', { name: 'Cancel: Shot 010 Intro' }).click()
  await ask.getByRole('button', { name: 'Yes, cancel it' }).click()
  await card.locator('.status.cancelled').waitFor()
  t.match(await card.locator('.message:not(.settings)').first().textContent(), /Cancelled by Leo Novak\./, 'the card says who cancelled it, by name')
  await card.getByRole('button', { name: 'Render again: Shot 010 Intro' }).click()
  await card.getByRole('button', { name: 'Pause: Shot 010 Intro' }).waitFor()
  t.pass('resume, cancel and render again')

  // Pausing nodes is for staff: a student sees no such buttons, a teacher does.
  t.equal(await nodes.getByRole('button', { name: /Pause|Resume/ }).count(), 0, 'a student has no node controls')
  const teacher = await openAs(browser, server, 'teacher', '/rendering')
  const staffNodes = teacher.page.locator('rfam-node-table')
  await staffNodes.getByRole('button', { name: 'Pause: pc-lab-1' }).click()
  await staffNodes.getByRole('button', { name: 'Resume: pc-lab-1' }).waitFor()
  t.same(teacher.errors, [], 'no page errors for staff')
  const paused = await node('work', { node: 'pc-lab-1', session, free: 1, running: [], wait: false })
  t.equal(paused.paused, true, 'the node is told it is paused')

  await card.getByRole('button', { name: 'Cancel: Shot 010 Intro' }).click()
  await card.getByRole('dialog', { name: 'Cancel this render?' }).getByRole('button', { name: 'Yes, cancel it' }).click()
  await card.getByRole('button', { name: 'Remove: Shot 010 Intro' }).click()
  await card.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
  await page.getByText('Nothing rendered yet').waitFor()
  t.pass('removed after a confirm')

  await page.goto('/asset?path=shots/shot_010_intro.blend')
  const stats = page.locator('rfam-render-stats')
  await stats.getByText('Average frame').waitFor()
  await stats.getByText(`12.5 s (frame ${firstFrame})`).first().waitFor()
  t.pass('the asset page shows the render time the node reported')
  t.equal(await stats.locator('svg rect').count(), 1, 'one bar per frame rendered')
  t.same(errors.filter((e) => !/status of 409/.test(e)), [], 'no page errors')
})
