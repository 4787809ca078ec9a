// Benchmark of the frames viewer (issue 12 item 1) in real Chromium. Prints its figures; asserts nothing.
//   npx tsx test/bench/frame-player.bench.ts [frames, default 250] [playbacks, default 3]
//   BENCH_FORMAT=png (default jpg): the frames as PNG instead of JPEG.
// A render of N 1920 × 1080 frames (ffmpeg's testsrc2, a moving picture) is made by a job a node
// (played over HTTP) reports; the Rendering page is opened and its "Watch" clicked. Measured:
// 1. first frame on screen: from the click (noted in the page) to the first animation frame after
//    the player drew its first picture (the target: under 300 ms);
// 2. after the preload (the player has 3 s decoded ahead of the play head), playing the whole render
//    at 24 fps, N frames: frames dropped (their time passed before they could be drawn: the target
//    is at most 1 %) and waits for a frame not loaded yet, as the player counts them; and the wall
//    time against N / 24 s. Also the longest gaps between animation frames, seen from the page.
// A real server on a temporary folder (in this process), the web UI built into it.
// Measured 2026-12-03 on the 2-core machine: at load average ~8 (JPEG and PNG alike) first frame on
// screen 134–178 ms, 0 of 249 frames dropped in each of 5 playbacks; at load average 22–40 (seven
// other sessions' tests) 224–247 ms, and 22–42 % dropped: the page then gets an animation frame only
// every 200–500 ms, so frames pass unseen whatever the player does.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Page } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../../server/config/load-config.ts'
import { buildServer } from '../../server/server.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { buildWeb } from '../../scripts/build-web.mjs'
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.ts'
import { logIn } from '../helpers/login.ts'
import { farmSender } from '../web/fake-node.ts'
import type { TestServer } from '../helpers/server.ts'

const count = Number(process.argv[2] ?? 250)
const playbacks = Number(process.argv[3] ?? 3)
const format = process.env.BENCH_FORMAT === 'png' ? 'png' : 'jpg'
const dir = mkdtempSync(join(tmpdir(), 'rfam-player-bench-'))
const run = promisify(execFile)
const FIND_PLAYER = `(() => {
  const find = (root) => root.querySelector('rfam-frame-player') ?? [...root.querySelectorAll('*')].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean) ?? null
  return find(document)
})()`

/** Polls an expression in the page (its content security policy refuses waitForFunction's eval). */
async function pageUntil (page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await page.evaluate<boolean>(expression)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

let app: FastifyInstance | undefined
try {
  const webDir = join(dir, 'web')
  await buildWeb({ outDir: webDir })
  const config = loadConfig(writeTestConfig(join(dir, 'server'), { rescanSeconds: 600 }))
  await seedDemoIfEmpty(config)
  app = await buildServer(config, { webDir })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const alex = await logIn(url, 'alex')

  // The job, taken by a node, whose frames are then written and reported (a frame counts only when
  // its file is newer than the task).
  const job = (await alex.api('POST', '/api/projects/demo/jobs', { file: 'shots/shot_010_intro.blend', frameStart: 1, frameEnd: count, name: 'Bench' })).body as { id: string }
  const send = await farmSender({ app, url } as unknown as TestServer, 'bench-node')
  const welcome = await send('hello', { name: 'bench', version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  const session = welcome.session as string
  const renders = join(config.shares.resolve('data::demo'), 'renders', 'shots', 'shot_010_intro')
  mkdirSync(renders, { recursive: true })
  type Run = { job: string, tasks: string[], frames: number[] }
  const work = async () => ((await send('work', { node: 'bench', session, free: 1, running: [], wait: false })).runs as Run[])[0]
  const firstRun = await work()
  const made = performance.now()
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=24:duration=${count / 24}`, '-frames:v', String(count),
    ...(format === 'jpg' ? ['-q:v', '3'] : []), '-start_number', '1', '-y', join(renders, `%04d.${format}`)])
  console.log(`${count} frames of 1920 × 1080 ${format.toUpperCase()} made in ${((performance.now() - made) / 1000).toFixed(1)} s`)
  // Each run the node is given: its frames reported written (50 a message), then the run done.
  for (let r = firstRun; r; r = await work()) {
    // Written now, as far as the server can tell (a frame older than its task is not counted).
    const now = new Date()
    for (const frame of r.frames) utimesSync(join(renders, `${String(frame).padStart(4, '0')}.${format}`), now, now)
    for (let i = 0; i < r.frames.length; i += 50) {
      const frames = r.frames.slice(i, i + 50).map((frame) => ({ frame, seconds: 1, file: `${String(frame).padStart(4, '0')}.${format}` }))
      await send('report', { node: 'bench', session, job: r.job, tasks: r.tasks, frames })
    }
    await send('done', { node: 'bench', session, job: r.job, tasks: r.tasks, frames: [], seconds: 1, free: 0 })
  }
  const list = (await alex.api('GET', `/api/projects/demo/jobs/${job.id}/frames`)).body as { frames: Array<{ state: string }> }
  console.log(`done in the list: ${list.frames.filter((f) => f.state === 'done').length} of ${list.frames.length}`)

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } })
  await context.addCookies([{ name: 'rfam_session', value: alex.token, url, httpOnly: true, sameSite: 'Strict' }])
  const page = await context.newPage()
  await page.goto('/rendering')
  const watch = page.getByRole('button', { name: 'Watch the frames of Bench' })
  await watch.waitFor()
  // The click's time, and the first animation frame after the first picture was drawn, noted in the page.
  await page.evaluate(`(() => {
    const deep = (root) => root.querySelector('button.watch') ?? [...root.querySelectorAll('*')].map((e) => e.shadowRoot && deep(e.shadowRoot)).find(Boolean) ?? null
    deep(document).addEventListener('click', () => {
      window.__clickAt = performance.now()
      const tick = () => {
        const p = ${FIND_PLAYER}
        if (p && p.stats.firstFrameAt !== null) window.__onScreen = performance.now()
        else requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    }, { capture: true })
  })()`)
  await watch.click()
  await pageUntil(page, 'window.__onScreen !== undefined', 30_000)
  const first = await page.evaluate<{ click: number, drawn: number, onScreen: number }>(`({ click: window.__clickAt, drawn: ${FIND_PLAYER}.stats.firstFrameAt, onScreen: window.__onScreen })`)
  console.log(`first frame: drawn ${(first.drawn - first.click).toFixed(0)} ms after the click, on screen (next animation frame) ${(first.onScreen - first.click).toFixed(0)} ms`)

  for (let k = 0; k < playbacks; k++) {
    // Back to the start, wait for the preload, then play the whole render once.
    await page.keyboard.press('Home')
    const preload = performance.now()
    const want = Math.min(72, count)
    await pageUntil(page, `${FIND_PLAYER}.readyAhead >= ${want}`, 120_000)
    const preloadMs = performance.now() - preload
    const result = await page.evaluate<{ stats: { shown: number, dropped: number, waits: number }, wall: number, gaps: number[] }>(`new Promise((resolve) => {
      const p = ${FIND_PLAYER}
      const gaps = []
      let last = 0
      const started = performance.now()
      const tick = (now) => {
        if (last) gaps.push(now - last)
        last = now
        const s = p.stats
        if (s.shown + s.dropped >= ${count - 1} || !p.playing && s.shown > 0) {
          p.pause()
          resolve({ stats: s, wall: now - started, gaps: gaps.sort((a, b) => b - a).slice(0, 3) })
        } else requestAnimationFrame(tick)
      }
      p.play()
      requestAnimationFrame(tick)
    })`)
    const { shown, dropped, waits } = result.stats
    const due = count - 1 // from the first frame shown to the last: count - 1 frame changes
    console.log(`playback ${k + 1}: preload ${(preloadMs / 1000).toFixed(1)} s; ${shown} frames drawn, ${dropped} dropped (${((100 * dropped) / due).toFixed(2)} %), ${waits} waits for a frame; ` +
      `${(result.wall / 1000).toFixed(2)} s for ${(due / 24).toFixed(2)} s of film; longest gaps between animation frames ${result.gaps.map((g) => g.toFixed(0)).join(', ')} ms`)
  }
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  await browser.close()
} finally {
  await app?.close()
  rmSync(dir, { recursive: true, force: true })
}
