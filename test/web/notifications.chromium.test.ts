// Notifications in a real Chromium against the real server: two people in two browser contexts. Mia
// mentions Zoë in a note; Zoë's bell counts 1 and its list links to the asset. Zoë's opt-in to the
// browser's own notifications asks the browser for permission only on her click (granted here through
// the context's permissions), and the browser then shows the next one (seen through an init script
// that wraps window.Notification). The list is never cut off on a phone, and speaks the reader's language.
import t from 'tap'
import type { Page } from 'playwright-core'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { callAs, hasChromium, launchBrowser, loggedInPage, openAs } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const ASSET = 'props/cake.blend'

/** Records every browser notification made and every permission asked for, keeping the real ones. */
function wrapNotification (): void {
  const w = window as unknown as { Notification: typeof Notification, __notices: Array<{ title: string, body?: string }>, __asked: number }
  const Real = w.Notification
  w.__notices = []
  w.__asked = 0
  function Wrapped (title: string, options?: NotificationOptions): Notification {
    w.__notices.push({ title, body: options?.body })
    return new Real(title, options)
  }
  Wrapped.requestPermission = (...args: Parameters<typeof Notification.requestPermission>) => { w.__asked++; return Real.requestPermission(...args) }
  Object.defineProperty(Wrapped, 'permission', { get: () => Real.permission })
  w.Notification = Wrapped as unknown as typeof Notification
}

const seen = (page: Page) => page.evaluate(() => {
  const w = window as unknown as { __notices: Array<{ title: string, body?: string }>, __asked: number }
  return { notices: w.__notices, asked: w.__asked }
})

t.test('mia mentions zoe: zoe\'s bell, its link, and the browser\'s notification she opted into', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const mia = await openAs(browser, server, 'mia', `/asset?path=${ASSET}`)
  const zoe = await loggedInPage(browser, server, 'zoe')
  await zoe.context.grantPermissions(['notifications'], { origin: server.url })
  await zoe.context.addInitScript(wrapNotification)
  await zoe.page.goto('/')
  const bell = zoe.page.locator('rfam-notification-bell button.bell')
  await bell.waitFor()
  t.equal(await bell.getAttribute('aria-label'), 'Notifications', 'nothing new yet')
  t.equal((await seen(zoe.page)).asked, 0, 'the browser is not asked for permission before the switch')

  await bell.click()
  const panel = zoe.page.locator('rfam-notification-bell .panel')
  t.match(await panel.innerText(), /Nothing new for you yet/)
  const optIn = zoe.page.getByLabel('Tell me in the browser')
  await optIn.check()
  await until('the switch is on', () => optIn.isChecked())
  // The box shows checked at the click; the choice is kept once the browser has answered.
  await until('the browser answered', async () => (await zoe.page.evaluate(() => localStorage.getItem('rfam:browser-notices:zoe'))) !== null, { timeoutMs: 5_000 }).catch(() => {})
  t.equal((await seen(zoe.page)).asked, 1, 'asked once, on the click')
  t.equal(await zoe.page.evaluate(() => localStorage.getItem('rfam:browser-notices:zoe')), 'on', 'remembered for Zoë in this browser')
  await bell.click()

  const box = mia.page.getByLabel('Write a note')
  await box.fill('the cherry is on, @zoe have a look ')
  await mia.page.getByRole('button', { name: 'Post note' }).click()

  await until('zoe\'s bell counts one', async () => (await bell.getAttribute('aria-label')) === 'Notifications: 1 new')
  t.equal(await zoe.page.locator('rfam-notification-bell .count').innerText(), '1')
  const { notices } = await until('the browser shows it', async () => { const s = await seen(zoe.page); return s.notices.length > 0 && s })
  t.same(notices, [{ title: 'RFAM', body: 'Mia Chen mentioned you in a note on Cake.' }], 'one notification from the browser, in plain words')
  t.equal(await mia.page.locator('rfam-notification-bell .count').count(), 0, 'Mia, who wrote it, has none')

  await bell.click()
  const item = panel.getByRole('link', { name: /Mia Chen mentioned you in a note on Cake/ })
  t.equal(await item.getAttribute('href'), `/asset?path=${ASSET}`, 'the list item links to the asset')
  await item.click()
  await zoe.page.waitForURL(/\/asset\?path=props%2Fcake\.blend|\/asset\?path=props\/cake\.blend/)
  await until('read once followed', async () => (await bell.getAttribute('aria-label')) === 'Notifications')
  const list = await callAs(server, 'zoe', 'GET', '/api/projects/demo/notifications')
  t.match(list.json, { unread: 0, notifications: [{ kind: 'mentioned', read: true }] }, 'marked read on the server too')
  t.same(zoe.errors, [], 'no errors on Zoë\'s page')
  t.same(mia.errors, [], 'no errors on Mia\'s page')
})

t.test('on a phone, in German: the list fits the screen; "mark all read" empties the count', async (t) => {
  const server = await startTestServer(t, { web: true })
  for (const text of ['one @zoe', 'two @zoe', 'and a long word: @zoe Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhalter']) {
    t.equal((await callAs(server, 'mia', 'POST', `/api/projects/demo/notes/${ASSET}`, { text })).status, 201)
  }
  t.equal((await callAs(server, 'zoe', 'PATCH', '/api/users/zoe', { language: 'de' })).status, 200)
  await server.app.rfam.notifier.idle()
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'zoe', '/', { width: 360 })
  const bell = page.locator('rfam-notification-bell button.bell')
  await until('three new', async () => (await bell.getAttribute('aria-label')) === 'Benachrichtigungen: 3 neu')
  await bell.click()
  const panel = page.locator('rfam-notification-bell .panel')
  const box = await panel.boundingBox()
  t.ok(box && box.x >= 0 && box.x + box.width <= 360, `the list is inside the screen's width (${box?.x}…${box && box.x + box.width} of 360)`)
  const overflow = await page.locator('rfam-notification-bell .panel li a').evaluateAll((links) => links.filter((a) => a.scrollWidth > a.clientWidth + 1).length)
  t.equal(overflow, 0, 'no item wider than the list')
  t.match(await panel.innerText(), /Mia Chen hat dich in einer Notiz zu Cake erwähnt\./, 'the sentence in Zoë\'s language')
  t.match(await panel.innerText(), /Sag es mir im Browser/)
  await page.getByRole('button', { name: 'Alle als gelesen markieren' }).click()
  await until('none new', async () => (await bell.getAttribute('aria-label')) === 'Benachrichtigungen')
  t.same(errors, [])
})

t.test('in German, "a needed asset became usable" names the state in German', async (t) => {
  const server = await startTestServer(t, { web: true })
  // Chef Bun (Alex's) is needed by Shot 020 (Zoë's): Alex polishes it.
  t.equal((await callAs(server, 'zoe', 'PATCH', '/api/users/zoe', { language: 'de' })).status, 200)
  t.equal((await callAs(server, 'alex', 'PATCH', '/api/projects/demo/assets/characters/chef_bun.blend', { state: 'po' })).status, 200)
  await server.app.rfam.notifier.idle()
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'zoe', '/')
  const bell = page.locator('rfam-notification-bell button.bell')
  await until('one new', async () => (await bell.getAttribute('aria-label')) === 'Benachrichtigungen: 1 neu')
  await bell.click()
  const text = await page.locator('rfam-notification-bell .panel li a').first().innerText()
  t.match(text, 'Chef Bun ist jetzt Poliert: Shot 020 Heist kann es verwenden.', 'the state as German pages name it')
  t.notMatch(text, 'Polished', 'not the English name of the defaults set')
  t.same(errors, [])
})
