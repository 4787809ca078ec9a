// The Rendering page's nodes: single-use nodes of a cluster array that finished are one line for
// the array ("Slurm array 4242. Nodes: 3, frames: 0, finished …"), a live one of it is a card as
// any node; in German too. The nodes are played over the real protocol (no Blender needed).
import t from 'tap'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('finished single-use nodes of an array are one line; live ones are cards', async (t) => {
  const server = await startTestServer(t, { web: true })
  const credential = await server.app.farm.credentials.create('slurm-nodes')
  const send = async (message: string, body: unknown) => (await (await fetch(`${server.url}/api/farm/${message}`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Record<string, unknown>
  const bye = async (name: string, session: string) => {
    const res = await fetch(`${server.url}/api/farm/bye`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, body: JSON.stringify({ node: name, session }) })
    t.equal(res.status, 204, `${name} signed off`)
  }
  const hello = async (name: string) => (await send('hello', { name, version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, singleUse: true, sandbox: { kind: 'bubblewrap' } })).session as string
  for (const task of [1, 2, 3]) {
    const name = `slurm-4242-${task}`
    await bye(name, await hello(name))
  }
  await hello('slurm-4242-4')
  await bye('k8s-rfam-node-x7k2p-9zq4m', await hello('k8s-rfam-node-x7k2p-9zq4m'))

  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  await page.goto('/rendering')
  const table = page.locator('rfam-node-table')
  await table.getByRole('heading', { name: 'slurm-4242-4' }).waitFor()
  t.same(await table.locator('li.node h3').allTextContents(), ['slurm-4242-4'], 'only the live node has a card')
  t.equal(await table.getByRole('heading', { name: 'Finished cluster nodes (shown for a day)' }).count(), 1)
  const lines = await table.locator('ul.arrays li').allTextContents()
  t.equal(lines.length, 2, 'one line per array')
  t.match(lines.find((l) => l.startsWith('Slurm')), /^Slurm array 4242\. Nodes: 3, frames: 0, finished \S/)
  t.match(lines.find((l) => l.startsWith('k8s')), /^k8s-rfam-node-x7k2p\. Nodes: 1, frames: 0, finished \S/, 'other arrays by their common name')

  await page.locator('header').getByLabel('Language').selectOption('de')
  await table.getByRole('heading', { name: 'Fertige Cluster-Rechner (einen Tag lang gezeigt)' }).waitFor()
  t.match(await table.locator('ul.arrays li').first().textContent(), /Slurm-Array 4242\. Rechner: 3, Bilder: 0, fertig|k8s-rfam-node-x7k2p\. Rechner: 1, Bilder: 0/)
  t.same(errors, [], 'no page errors')
})
