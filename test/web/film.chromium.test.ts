// The Film page in a real Chromium against the real server and a real node with ffmpeg: a title card
// for a shot not rendered yet, playback of a rendered shot's real frames (through the frames viewer
// and the job frame routes) with its state under the player, the player's keys (Space, ← →, End), a
// click from the shot playing to its asset page, staff putting a shot earlier from the
// keyboard, "Make the film" and the Download link everyone gets; an empty film says what to do.
import t from 'tap'
import { unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FilmView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { framesNode, makeShots, renderShot } from '../helpers/film-shots.ts'
import { startNode } from '../node/harness.ts'
import { hasChromium, launchBrowser, openAs, sessionOf } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('watching the film, reordering it and making it', async (t) => {
  const server = await startTestServer(t, { web: true })
  const teacher = await sessionOf(server, 'teacher')
  const [shot30] = await makeShots(teacher.api, 1, 3)
  await renderShot(teacher.api, await framesNode(server), shot30!, 12)

  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'zoe', '/film')
  const app = page.locator('rfam-app')
  const missing: string[] = []
  const pictures: string[] = []
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url())
    if (r.ok() && /\/api\/projects\/demo\/jobs\/[^/]+\/frames\/\d+/.test(r.url())) pictures.push(r.url())
  })
  /** What the player's picture shows (its label: a frame of a shot, or a title card's words), and whether a picture was drawn. */
  const screen = (on = page) => on.evaluate(() => {
    const player = document.querySelector('rfam-app')?.shadowRoot?.querySelector('rfam-film-page')?.shadowRoot?.querySelector('rfam-frame-player') as (HTMLElement & { stats: { firstFrameAt: number | null } }) | null | undefined
    return { label: player?.shadowRoot?.querySelector('canvas')?.getAttribute('aria-label') ?? '', drawn: player?.stats.firstFrameAt != null }
  })
  await app.getByRole('heading', { name: 'The film so far' }).waitFor()
  // The demo's two shots come first, not rendered: each a title card (held there with Pause).
  await app.getByRole('button', { name: 'Play from Shot 010 Intro' }).click()
  await app.getByRole('button', { name: 'Pause' }).click()
  await app.getByRole('img', { name: 'Shot 010 Intro — Not Started — not rendered yet' }).waitFor()
  t.ok(await app.getByText('State: Not Started').isVisible(), 'the state of the shot playing, under the player')
  t.equal(await app.getByRole('button', { name: 'Make the film' }).count(), 0, 'students do not make the film')
  t.equal(await app.getByRole('button', { name: /Move .* earlier/ }).count(), 0, 'nor change its order')

  // Then Shot 030's real frames play, read through the job frame routes, and the film stops at its end.
  await app.getByRole('button', { name: 'Play', exact: true }).click()
  await until('a frame of Shot 030 on screen', async () => {
    const now = await screen()
    return now.drawn && /^Shot 030 · frame \d+$/.test(now.label)
  }, { timeoutMs: 20_000 })
  t.ok(pictures.length > 0, 'the pictures come from the job frame routes')
  await app.getByRole('button', { name: 'Play', exact: true }).waitFor()
  t.ok(await app.getByText('State: Not Started').isVisible())

  // The player's keys: Space plays from the start and pauses; End, ← and → go to a frame.
  await app.locator('rfam-frame-player').focus()
  await page.keyboard.press(' ')
  await app.getByRole('button', { name: 'Pause' }).waitFor()
  await until('the film again from its first title card', async () => (await screen()).label === 'Shot 010 Intro — Not Started — not rendered yet')
  await page.keyboard.press(' ')
  await app.getByRole('button', { name: 'Play', exact: true }).waitFor()
  t.match((await screen()).label, /^Shot 0[12]0 .* — Not Started — not rendered yet$/, 'Space: paused on a title card')
  await page.keyboard.press('End')
  t.equal((await screen()).label, 'Shot 030 · frame 12', 'End: the last frame of the film')
  await page.keyboard.press('ArrowLeft')
  t.equal((await screen()).label, 'Shot 030 · frame 11', '← one frame back')
  await page.keyboard.press('ArrowRight')
  t.equal((await screen()).label, 'Shot 030 · frame 12', '→ one frame on')
  t.ok(await app.locator('li[data-index="2"][aria-current="true"]').getByRole('link', { name: 'Shot 030' }).isVisible(), 'the shot on screen is marked in the list')
  await app.locator('p.now').getByRole('link', { name: 'Shot 030' }).click()
  await page.waitForURL(/\/asset\?path=shots\//)
  await app.getByRole('heading', { name: 'Shot 030' }).waitFor()

  // Staff: Shot 030 first, from the keyboard.
  const staff = await openAs(browser, server, 'teacher', '/film')
  const s = staff.page.locator('rfam-app')
  // Held on Shot 030, which stays on screen while the film changes under it.
  await s.getByRole('button', { name: 'Play from Shot 030' }).click()
  await s.getByRole('button', { name: 'Pause' }).click()
  await until('Shot 030 on the staff screen', async () => /^Shot 030 · frame \d+$/.test((await screen(staff.page)).label))
  const earlier = s.getByRole('button', { name: 'Move Shot 030 earlier' })
  await earlier.focus()
  await staff.page.keyboard.press('Enter')
  await until('Shot 030 second', async () => (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body.shots[1]?.name === 'Shot 030')
  await s.locator('li[data-index="1"][aria-current="true"]').getByRole('link', { name: 'Shot 030' }).waitFor()
  t.equal((await screen(staff.page)).label, 'Shot 030 · frame 1', 'the player stays on the shot it showed, paused, when the film changes')
  await staff.page.keyboard.press('Enter') // focus stays on the moved shot's button
  await until('Shot 030 first', async () => (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body.shots[0]?.name === 'Shot 030')
  await s.locator('li[data-index="0"]').getByRole('link', { name: 'Shot 030' }).waitFor()

  // Make the film: a real node with ffmpeg puts it together; everyone gets the Download link.
  await s.getByRole('button', { name: 'Make the film' }).click()
  await s.getByText('Waiting for a render node with ffmpeg…').waitFor()
  const credential = await server.app.farm.credentials.create('film-node')
  const node = startNode(t, { server: server.url, credential, name: 'pc-film', shareRoot: server.config.shares.root('data') })
  await node.waitForLog({ msg: 'connected to the server' })
  const download = s.getByRole('link', { name: 'Download the film' })
  await download.waitFor({ timeout: 120_000 })
  const href = await download.getAttribute('href')
  t.match(href, /^\/api\/projects\/demo\/film\/download\//)
  await app.page().goto('/film')
  await app.getByRole('link', { name: 'Download the film' }).waitFor({ timeout: 20_000 })
  const res = await page.request.get(href!)
  t.equal(res.status(), 200)
  t.match(res.headers()['content-disposition'], /^attachment; filename="demo-.*\.mp4"$/)
  t.same([...errors, ...staff.errors], [], `no errors in the browser ${missing.join(' ')}`)
})

t.test('an empty film says what to do', async (t) => {
  const server = await startTestServer(t, { web: true })
  const teacher = await sessionOf(server, 'teacher')
  for (const shot of (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body.shots) {
    unlinkSync(join(server.projectDir(), `${shot.path}.json`))
    writeFileSync(join(server.projectDir(), shot.path), '')
  }
  await until('no shots', async () => (await teacher.api<FilmView>('GET', '/api/projects/demo/film')).body.shots.length === 0, { timeoutMs: 60_000 })
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'teacher', '/film')
  await page.locator('rfam-app').getByText(/No shots yet\. Make an asset of the type Shot/).waitFor()
  t.equal(await page.locator('rfam-app').getByRole('button', { name: 'Make the film' }).count(), 0)
  t.same(errors, [])
})

t.test('in German, the shots\' states and title cards are in German', async (t) => {
  const server = await startTestServer(t, { web: true })
  t.equal((await (await sessionOf(server, 'zoe')).api('PATCH', '/api/users/zoe', { language: 'de' })).status, 200)
  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'zoe', '/film')
  const app = page.locator('rfam-app')
  await app.getByRole('button', { name: 'Ab Shot 010 Intro abspielen' }).click()
  await app.getByRole('img', { name: 'Shot 010 Intro — Nicht begonnen — noch nicht gerendert' }).waitFor()
  t.ok(await app.getByText('Stand: Nicht begonnen').isVisible(), 'the state under the player')
  t.same(errors, [])
})
