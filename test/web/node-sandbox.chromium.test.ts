// The Rendering page's nodes say whether each keeps Blender in a sandbox: "Blender runs in a sandbox"
// for one that does; for one that cannot (or an older node that does not say), a plain warning that
// it gets no work, with its reason, or, where staff allow such nodes, that it renders anyway; in
// German too. The test plays the nodes over the real protocol (no Blender needed).
import t from 'tap'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const reason = 'bubblewrap cannot run here: bwrap: No permissions to create a new namespace.'

async function nodes (t: { teardown: (fn: () => unknown) => void }, allowUnsandboxedNodes: boolean) {
  const server = await startTestServer(t, { web: true, config: { farmSettings: { allowUnsandboxedNodes } } })
  const credential = await server.app.farm.credentials.create('web-sandbox')
  const hello = async (name: string, sandbox?: object) => {
    const res = await fetch(`${server.url}/api/farm/hello`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, ...(sandbox ? { sandbox } : {}) }),
    })
    if (!res.ok) throw new Error(`hello: ${res.status} ${await res.text()}`)
  }
  await hello('pc-boxed', { kind: 'bubblewrap' })
  await hello('pc-bare', { kind: 'none', reason })
  await hello('pc-old')
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  await page.goto('/rendering')
  const card = (name: string) => page.locator('rfam-node-table li').filter({ has: page.getByRole('heading', { name }) })
  await card('pc-old').waitFor()
  return { page, card, errors }
}

t.test('by default: sandboxed nodes say so, the others are flagged as getting no work', async (t) => {
  const { page, card, errors } = await nodes(t, false)
  t.equal(await card('pc-boxed').getByText('Blender runs in a sandbox').count(), 1)
  t.equal(await card('pc-boxed').getByRole('note').count(), 0, 'no warning for it')
  const bare = card('pc-bare')
  t.equal(await bare.getByRole('note').textContent(), 'This computer can\'t keep Blender in a sandbox, so it gets no work. Install bubblewrap on it, or ask staff for help.')
  t.equal(await bare.getByText(`Why: ${reason}`).count(), 1, 'with the node\'s reason')
  t.match(await card('pc-old').getByRole('note').textContent(), /gets no work/, 'a node too old to say is flagged too')
  t.match(await card('pc-old').textContent(), /older than sandboxes/)

  await page.locator('header').getByLabel('Language').selectOption('de')
  await card('pc-boxed').getByText('Blender läuft in einer Sandbox').waitFor()
  t.match(await card('pc-bare').getByRole('note').textContent(), /^Dieser Computer kann Blender nicht in einer Sandbox laufen lassen und bekommt deshalb keine Arbeit\./)
  t.equal(await card('pc-bare').getByText(`Grund: ${reason}`).count(), 1)
  t.same(errors, [], 'no page errors')
})

t.test('where staff allow nodes without a sandbox, the warning says it renders anyway', async (t) => {
  const { card, errors } = await nodes(t, true)
  t.equal(await card('pc-bare').getByRole('note').textContent(), 'This computer can\'t keep Blender in a sandbox: files it renders could read other teams\' work. Staff let it render anyway.')
  t.same(errors, [])
})
