// The frames viewer in real Chromium against a real server: opened from a job card's "Watch", it
// shows the first frame, steps with the arrow keys, plays with Space, marks the frame that was
// deleted and the one still rendering (on the scrub bar and in words over the picture); on the
// asset page two renders of the shot are compared with a wipe and side by side.
import t, { type Test } from 'tap'
import sharp from 'sharp'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator } from 'playwright-core'
import { startTestServer } from '../helpers/server.ts'
import { fakeNode } from './fake-node.ts'
import { hasChromium, launchBrowser, loggedInPage, sessionOf } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

/** A solid frame: red-ish for the first render, blue-ish for the second, green telling the frame. */
const frame = (render: 'a' | 'b', f: number) => sharp({
  create: { width: 320, height: 180, channels: 3, background: render === 'a' ? { r: 220, g: f * 30, b: 0 } : { r: 0, g: f * 30, b: 220 } },
}).png().toBuffer()

/** The colour at a point of the player's canvas (x, y: 0..1). */
function pixel (player: Locator, x: number, y: number): Promise<number[]> {
  return player.locator('canvas').evaluate((c: HTMLCanvasElement, [px, py]) => [...c.getContext('2d')!.getImageData(Math.floor(c.width * px!), Math.floor(c.height * py!), 1, 1).data].slice(0, 3), [x, y])
}

async function colourIs (t: Test, player: Locator, x: number, want: number[], what: string) {
  const deadline = Date.now() + 10_000
  let got: number[] = []
  while (Date.now() < deadline) {
    got = await pixel(player, x, 0.4)
    if (got.every((v, i) => Math.abs(v - want[i]!) <= 12)) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 12), `${what}: ${got} ≈ ${want}`)
}

t.test('watch a render from its job card; compare two renders on the asset page', async (t) => {
  const server = await startTestServer(t, { web: true })
  const leo = await sessionOf(server, 'leo')
  const shot = 'shots/shot_010_intro.blend'
  const jobA = await leo.api('POST', '/api/projects/demo/jobs', { file: shot, frameStart: 1, frameEnd: 6, name: 'First try', chunkSize: 1 })
  t.equal(jobA.status, 201)
  const node = await fakeNode(server, 'pc1')
  const pictures = new Map<string, Buffer>()
  for (const r of ['a', 'b'] as const) for (let f = 1; f <= 6; f++) pictures.set(`${r}${f}`, await frame(r, f))
  const runA = await node.work()
  await node.write(runA, [1, 2, 3, 4, 5], 'shots/shot_010_intro', (f) => pictures.get(`a${f}`)!)
  rmSync(join(server.projectDir(), 'renders/shots/shot_010_intro/0003.png')) // deleted since

  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'leo')
  const refused: string[] = []
  page.on('response', (r) => { if (r.status() >= 400) refused.push(r.url()) })
  await page.goto('/rendering')
  const card = page.locator('rfam-job-card').filter({ hasText: 'First try' })
  await card.getByRole('button', { name: 'Watch the frames of First try' }).click()
  const dialog = page.getByRole('dialog', { name: 'Frames of First try' })
  const player = dialog.locator('rfam-frame-player')
  await player.locator('canvas[aria-label="Frame 1"]').waitFor({ state: 'attached' })
  await colourIs(t, player, 0.5, [220, 30, 0], 'frame 1 on screen')
  const first = await player.evaluate((p: HTMLElement & { stats: { firstFrameMs: number | null } }) => p.stats.firstFrameMs)
  t.ok(first !== null && first > 0, `first frame drawn after ${first} ms`)

  // The scrub bar marks the frame deleted since and the one still rendering.
  t.equal(await player.locator('.mark.missing').getAttribute('title'), 'Frame 3: missing (file deleted)')
  t.equal(await player.locator('.mark.rendering').getAttribute('title'), 'Frame 6: still rendering')

  await page.keyboard.press('ArrowRight')
  await player.locator('canvas[aria-label="Frame 2"]').waitFor({ state: 'attached' })
  await colourIs(t, player, 0.5, [220, 60, 0], '→ frame 2')
  await page.keyboard.press('ArrowRight')
  await player.getByRole('status').filter({ hasText: 'Frame 3 is missing: it was rendered, but its file was deleted or moved.' }).waitFor()
  t.pass('→ frame 3: said missing, in words')
  await page.keyboard.press('End')
  await player.getByRole('status').filter({ hasText: 'Frame 6 is still rendering.' }).waitFor()
  t.pass('End: frame 6, still rendering')
  await page.keyboard.press('ArrowLeft')
  await colourIs(t, player, 0.5, [220, 150, 0], '← frame 5')
  await page.keyboard.press('Home')
  await player.locator('canvas[aria-label="Frame 1"]').waitFor({ state: 'attached' })

  // Space plays (looping) at the scene's rate, Space again pauses.
  await page.keyboard.press(' ')
  await player.getByRole('button', { name: 'Pause' }).waitFor()
  await page.waitForFunction(() => {
    const find = (root: Document | ShadowRoot): Element | null => root.querySelector('rfam-frame-player') ?? [...root.querySelectorAll('*')].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean) ?? null
    const p = find(document) as (Element & { stats: { shown: number } }) | null
    return (p?.stats.shown ?? 0) >= 8
  }, undefined, { timeout: 15_000 })
  await page.keyboard.press(' ')
  await player.getByRole('button', { name: 'Play' }).waitFor()
  const stats = await player.evaluate((p: HTMLElement & { stats: object }) => p.stats)
  t.match(stats, { shown: Number }, `played: ${JSON.stringify(stats)}`)
  await dialog.getByRole('button', { name: 'Close' }).click()
  t.equal(await dialog.locator('rfam-frame-player').count(), 0, 'closing lets go of the player')

  // A second render of the shot, into a folder of its own; the asset page compares the two.
  const jobB = await leo.api('POST', '/api/projects/demo/jobs', { file: shot, frameStart: 1, frameEnd: 6, name: 'Second try', output: 'renders/shots/shot_010_intro_b/####' })
  t.equal(jobB.status, 201, 'a second render, into its own folder')
  // The node finishes the first render (frame 6) and renders the second, till it has no more work.
  for (let run = await node.work(); run; run = await node.work()) {
    const b = run.job === jobB.body.id
    await node.write(run, run.frames, b ? 'shots/shot_010_intro_b' : 'shots/shot_010_intro', (f) => pictures.get(`${b ? 'b' : 'a'}${f}`)!)
    await node.done(run)
  }
  await page.goto(`/asset?path=${shot}`)
  const renders = page.locator('rfam-asset-renders')
  const [choose, compareWith] = [renders.locator('select').nth(0), renders.locator('select').nth(1)]
  await compareWith.waitFor()
  const assetPlayer = renders.locator('rfam-frame-player')
  await colourIs(t, assetPlayer, 0.5, [0, 30, 220], 'the latest render plays on the asset page')
  const options = await choose.locator('option').allTextContents()
  t.match(options[1], /^First try \(/, 'the older render to choose')
  await choose.selectOption({ label: options[1]! })
  await compareWith.selectOption({ label: options[0]! })
  await assetPlayer.getByRole('button', { name: 'Wipe' }).waitFor()
  await colourIs(t, assetPlayer, 0.25, [220, 30, 0], 'wipe: the first render left of the line')
  await colourIs(t, assetPlayer, 0.75, [0, 30, 220], 'wipe: the second right of it')
  // Drag the line to the right: more of the first render.
  await assetPlayer.locator('.area').scrollIntoViewIfNeeded()
  const box = (await assetPlayer.locator('.area').boundingBox())!
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 4 })
  await page.mouse.up()
  await colourIs(t, assetPlayer, 0.75, [220, 30, 0], 'the wipe dragged right shows the first render there')
  await assetPlayer.getByRole('button', { name: 'Wipe' }).click()
  await assetPlayer.getByRole('button', { name: 'Side by side' }).waitFor()
  await colourIs(t, assetPlayer, 0.25, [220, 30, 0], 'side by side: the first on the left')
  await colourIs(t, assetPlayer, 0.75, [0, 30, 220], 'the second on the right')
  // The shot's .blend has no thumbnail of its own (404: the page shows the type's icon); no frame was refused.
  t.same(refused.filter((u) => !u.includes('/thumbnails/')), [], 'no frame asked for that is not there')
  t.same(errors.filter((e) => !e.includes('status of 404')), [], 'no page errors')
})
