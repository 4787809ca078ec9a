// The Rendering page shows each node's Blender versions and devices, and a job no node can render
// says why (its file saved by a newer Blender than the farm has) in the page's language; when a node
// with that Blender says hello the sentence goes, live. The nodes are played over the real protocol
// (no Blender needed); the file is the smallest .blend with a header saying Blender 4.2. The render
// form says it too, as soon as the file is picked.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'
import { farmSender } from './fake-node.ts'
import { callAs, hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('node versions and devices; "Saved with Blender 4.2; the farm has 3.4 and 3.6", in English and German, gone when a 4.2 node comes', async (t) => {
  const server = await startTestServer(t, { web: true })
  const send = await farmSender(server, 'web-versions')
  const hello = (name: string, blenders: Array<{ path: string, version: string }>, devices?: Array<{ type: string, count: number }>) =>
    send('hello', { name, version: '0.1.0', blenderVersion: blenders[0]!.version, blenders, ...(devices ? { devices } : {}), provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  await hello('pc-old', [{ path: 'blender', version: '3.4.1' }])
  await hello('pc-gpu', [{ path: '/opt/blender-3.6/blender', version: '3.6.5' }, { path: 'blender', version: '3.4.1' }], [{ type: 'OPTIX', count: 2 }, { type: 'CPU', count: 1 }])
  mkdirSync(join(server.projectDir(), 'shots'), { recursive: true })
  writeFileSync(join(server.projectDir(), 'shots', 'future.blend'), TINY_BLEND.replace('v304', 'v402'))
  const created = await callAs(server, 'leo', 'POST', '/api/projects/demo/jobs', { file: 'shots/future.blend', frameStart: 1, frameEnd: 2, name: 'Future shot' })
  t.equal(created.status, 201, JSON.stringify(created.json))
  t.equal((created.json as JobView).cannotRender?.message, 'Saved with Blender 4.2; the farm has 3.4 and 3.6. Save it with 3.6 (or ask for a node with 4.2).')

  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  await page.goto('/rendering')
  const card = (name: string) => page.locator('rfam-node-table li.node').filter({ has: page.getByRole('heading', { name }) })
  await card('pc-gpu').waitFor()
  t.equal(await card('pc-gpu').getByText('RFAM 0.1.0, Blender 3.6.5, 3.4.1').count(), 1, 'every Blender of the node')
  t.equal(await card('pc-gpu').getByText('Renders on: OPTIX ×2, CPU').count(), 1, 'its devices')
  t.equal(await card('pc-old').getByText('Renders on: CPU').count(), 1, 'a node that lists none: its CPU')

  const job = page.locator('rfam-job-card').filter({ hasText: 'Future shot' })
  const sentence = job.locator('.cannot-render')
  await sentence.waitFor()
  t.equal(await sentence.textContent(), 'Saved with Blender 4.2; the farm has 3.4 and 3.6. Save it with 3.6 (or ask for a node with 4.2).')
  t.equal(await job.getByText('Blender 4.2', { exact: true }).count(), 1, 'the job shows the version that saved the file')

  // The form says it before the file is sent.
  const form = page.locator('rfam-job-form')
  await form.getByLabel('Show every .blend file').check()
  const file = form.getByLabel('File to render')
  await file.locator('option', { hasText: 'shots/future.blend' }).waitFor({ state: 'attached' })
  await file.selectOption('shots/future.blend')
  await form.locator('.cannot-render').getByText('Saved with Blender 4.2; the farm has 3.4 and 3.6.', { exact: false }).waitFor()
  t.pass('the render form says so when the file is picked')

  await page.locator('header').getByLabel('Language').selectOption('de')
  await job.getByText('Mit Blender 4.2 gespeichert; die Renderfarm hat 3.4 und 3.6. Speichere die Datei mit 3.6 (oder frag nach einem Render-Rechner mit 4.2).').waitFor()
  t.pass('in German too')
  t.equal(await card('pc-gpu').getByText('Rendert auf: OPTIX ×2, CPU').count(), 1)
  t.equal(await page.locator('rfam-job-form').getByLabel('Rendern auf').locator('option').count(), 3, 'the form asks what to render on')

  // A node with Blender 4.2 connects: the job can be rendered, and the page says nothing more.
  await hello('pc-new', [{ path: '/opt/blender-4.2/blender', version: '4.2.0' }])
  await sentence.waitFor({ state: 'detached' })
  t.pass('the sentence went when a node with 4.2 said hello')
  t.same(errors, [], 'no page errors')
})
