// Notes and history in a real browser against the real server and files: writing a note (markup shown
// as text, links clickable, @ completion of the project's people), a picture chosen or pasted, what was
// typed kept when the server refuses, a note from someone else arriving live, the timeline of changes,
// a frame that is no longer there, unreadable lines of a damaged file, Home's latest note with its
// author's face and the Team page's "What happened today".
import t from 'tap'
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import sharp from 'sharp'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { callAs, hasChromium, launchBrowser, openAs } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const ASSET = 'props/cake.blend'
/** The browser's own notice of a refused request (the page shows the server's sentence instead). */
const refused = (e: string) => /Failed to load resource: the server responded with a status of 4\d\d/.test(e)

t.test('a note on the asset page: text stays text, links and mentions work, pictures chosen or pasted', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'mia', `/asset?path=${ASSET}`)
  const timeline = page.locator('rfam-asset-notes ol.timeline > li')
  await until('the timeline', async () => (await timeline.count()) >= 1)
  t.match(await timeline.last().innerText(), /made this asset/, 'the asset\'s making, from when the demo was seeded')

  const box = page.getByLabel('Write a note')
  await box.fill('<b>bold?</b> <img src=x onerror="window.__xss=1"> see https://example.org/cake, ')
  await box.pressSequentially('@le')
  const option = page.getByRole('listbox', { name: 'People in your project' }).getByRole('option', { name: /Leo Novak/ })
  await option.waitFor()
  await box.press('Enter')
  t.match(await box.inputValue(), /@leo $/, 'the person is put in as @ident')
  await box.pressSequentially('what do you think?')
  await page.getByRole('button', { name: 'Post note' }).click()
  const first = timeline.first()
  await until('the note in the timeline', async () => /what do you think/.test(await first.innerText()))
  t.match(await first.innerText(), /<b>bold\?<\/b> <img src=x onerror="window.__xss=1">/, 'the markup is shown as it was typed')
  t.equal(await first.locator('.note-words b, .note-words img').count(), 0, 'and never made into elements')
  t.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'nothing ran')
  const link = first.getByRole('link', { name: 'https://example.org/cake' })
  t.equal(await link.getAttribute('target'), '_blank', 'the address is a link, opened in a new tab')
  t.match(await link.getAttribute('rel'), /noopener/)
  t.equal(await first.locator('.mention').innerText(), '@leo', 'Leo is mentioned')
  t.equal(await first.locator('.mention').getAttribute('title'), 'Leo Novak')
  t.equal(await box.inputValue(), '', 'the box is empty for the next note')

  // A picture chosen from the disk.
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#cc3366' } }).png().toBuffer()
  await page.locator('rfam-note-form input[type=file]').setInputFiles({ name: 'cake.png', mimeType: 'image/png', buffer: png })
  await box.fill('the icing')
  await page.getByRole('button', { name: 'Post note' }).click()
  await until('the note with its picture', async () => /the icing/.test(await first.innerText()))
  await until('the picture shows', () => first.locator('.note-picture img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 300))

  // A picture pasted (a screenshot on the clipboard).
  await box.focus()
  await page.evaluate(async (bytes) => {
    const file = new File([new Uint8Array(bytes)], 'screenshot.png', { type: 'image/png' })
    const data = new DataTransfer()
    data.items.add(file)
    const area = document.querySelector('rfam-app')?.shadowRoot?.querySelector('rfam-asset-page')?.shadowRoot?.querySelector('rfam-asset-notes')?.shadowRoot?.querySelector('rfam-note-form')?.shadowRoot?.querySelector('textarea')
    area!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, [...png])
  await page.getByAltText('The picture for your note').waitFor()
  await page.getByRole('button', { name: 'Post note' }).click()
  await until('the pasted picture posted', async () => (await timeline.first().locator('.note-picture img').count()) === 1 && !/the icing/.test(await timeline.first().innerText()))

  // Refused by the server: a "picture" that is not one. What was typed stays.
  await page.locator('rfam-note-form input[type=file]').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') })
  await box.fill('a long thought I do not want to lose')
  await page.getByRole('button', { name: 'Post note' }).click()
  await page.getByRole('alert').filter({ hasText: /not a picture/ }).waitFor()
  t.equal(await box.inputValue(), 'a long thought I do not want to lose', 'nothing typed is lost')
  await page.getByRole('button', { name: 'Remove the picture' }).click()

  // Too long: said before sending, the button waits.
  await box.fill('x'.repeat(5001))
  t.match(await page.locator('#note-count').innerText(), /5,001 of 5,000/)
  t.ok(await page.getByRole('button', { name: 'Post note' }).isDisabled(), 'a note over 5,000 letters cannot be sent')
  await box.fill('')

  // Someone else writes (from the add-on, another page): it arrives without a reload.
  t.equal((await callAs(server, 'leo', 'POST', `/api/projects/demo/notes/${ASSET}`, { text: 'Looks tasty, @mia!' })).status, 201)
  await until('Leo\'s note arrives live', async () => /Looks tasty/.test(await timeline.first().innerText()))
  t.match(await timeline.first().innerText(), /Leo Novak/)
  t.match(await timeline.first().getAttribute('class'), /for-me/, 'a note naming Mia stands out on her page')

  // A change of the asset is in the same timeline.
  await page.getByLabel('Description').first().fill('Round, with cherries')
  await page.getByLabel('Description').first().press('Tab')
  await until('the change in the timeline', async () => /changed the description to:[\s\S]*Round, with cherries/.test(await timeline.first().innerText()))
  t.same(errors.filter((e) => !refused(e)), [], 'no errors in the page')
})

t.test('a frame no longer there, and a history file edited into garbage', async (t) => {
  const server = await startTestServer(t, { web: true })
  const shot = 'shots/shot_010_intro.blend'
  const job = await callAs(server, 'alex', 'POST', '/api/projects/demo/jobs', { file: shot, frameStart: 1, frameEnd: 3, name: 'Intro test' })
  t.equal(job.status, 201)
  const id = (job.json as { id: string }).id
  const frameFile = join(server.projectDir(), 'renders/shots/shot_010_intro/0003.png')
  mkdirSync(dirname(frameFile), { recursive: true })
  writeFileSync(frameFile, await sharp({ create: { width: 64, height: 36, channels: 3, background: '#448800' } }).png().toBuffer())
  t.equal((await callAs(server, 'alex', 'POST', `/api/projects/demo/notes/${shot}`, { text: 'the lamp flickers here', frame: { job: id, frame: 3 } })).status, 201)
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'alex', `/asset?path=${shot}`)
  const note = page.locator('rfam-asset-notes li.event.note').first()
  await note.waitFor()
  await until('the frame shows', () => note.locator('figure.frame img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 64))
  t.match(await note.innerText(), /Frame 3 of “Intro test”/)

  rmSync(frameFile)
  appendFileSync(join(server.projectDir(), shot + '.history.jsonl'), 'garbage typed by hand\n')
  // (A shadow root's host has no text of its own: its parts are read.)
  await until('the page hears of the change and shows the frame gone', async () => /Frame 3 of “Intro test” is no longer there/.test(await page.locator('rfam-asset-notes ol.timeline').innerText()))
  t.match(await page.locator('rfam-asset-notes .unreadable').innerText(), /cannot be read: 1.*\n.*Line \d+:/s, 'the unreadable line is named')
  t.match(await note.innerText(), /the lamp flickers here/, 'the note itself is still there')
  t.same(errors, [])
})

t.test("Home shows the latest note with its author's face; the Team page what happened today", async (t) => {
  const server = await startTestServer(t, { web: true })
  const todo = await callAs(server, 'mia', 'GET', '/api/projects/demo/todo')
  const current = (todo.json as { assets: Array<{ path: string, meta: { name: string } }> }).assets[0]!
  t.equal((await callAs(server, 'leo', 'POST', `/api/projects/demo/notes/${current.path}`, { text: 'Mia, the handle is too thin.' })).status, 201)
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'mia', '/')
  const latest = page.locator('rfam-latest-note section')
  await until('the latest note', async () => /the handle is too thin/.test(await latest.innerText()))
  t.match(await latest.innerText(), /Latest note\s+Leo Novak wrote a note/)
  t.equal(await latest.locator('img.face').getAttribute('src'), '/api/users/leo/picture', "with Leo's face")
  t.equal((await callAs(server, 'zoe', 'POST', `/api/projects/demo/notes/${current.path}`, { text: 'And the colour!' })).status, 201)
  await until('a newer note replaces it live', async () => /And the colour!/.test(await latest.innerText()))
  await latest.getByRole('link', { name: 'All notes and history' }).click()
  await page.locator('rfam-asset-notes').waitFor()
  t.match(page.url(), /#notes$/, 'to the notes on the asset page')

  await page.goto('/team')
  const today = page.locator('rfam-today-feed ol.timeline')
  await until('today\'s events', async () => /And the colour!/.test(await today.innerText()))
  t.ok(await today.getByRole('link', { name: current.meta.name }).first().isVisible(), 'each with its asset, linked')
  t.match(await page.getByRole('heading', { name: 'What happened today' }).innerText(), /today/)
  t.same(errors, [])
})

t.test('a long history opens with its newest 50 events; older ones come when asked for', async (t) => {
  const server = await startTestServer(t, { web: true })
  const file = join(server.projectDir(), 'sets/kitchen.blend.history.jsonl')
  const start = Date.now() // after the demo's making (the demo is seeded once per test run)
  for (let i = 1; i <= 120; i++) {
    appendFileSync(file, JSON.stringify({ id: `bulkEvent${String(i).padStart(4, '0')}`, at: new Date(start + i * 1000).toISOString(), by: 'sam', kind: 'note', text: `note number ${i}` }) + '\n')
  }
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'mia', '/asset?path=sets/kitchen.blend')
  const timeline = page.locator('rfam-asset-notes ol.timeline > li')
  await until('50 events', async () => (await timeline.count()) === 50)
  t.match(await timeline.first().innerText(), /note number 120/, 'the newest first')
  const older = page.getByRole('button', { name: /Show older/ })
  t.match(await older.innerText(), /71 more/, '120 notes and the asset\'s making: 71 more')
  await older.click()
  await until('100 events', async () => (await timeline.count()) === 100)
  await older.click()
  await until('all 121', async () => (await timeline.count()) === 121)
  t.equal(await older.count(), 0, 'nothing older: no button')
  t.match(await timeline.last().innerText(), /made this asset/)
  t.same(errors, [])
})
