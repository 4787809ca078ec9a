// Every page as a first-time reader meets it, in English and in German, on a phone (390 × 844) and on a
// desktop: no text cut off or spilling out of its box, no select too narrow for what it shows, nothing
// to press smaller than a finger (40 px), no English on the German pages (the server's and the farm's
// sentences included), no page scrolling sideways, a sticky header that leaves a phone most of its
// screen, and no page errors. The farm has something to show: a job rendering on a node (frames as a
// range), a job paused by the teacher, and a job that failed on a node.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { farmSender } from './fake-node.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { callAs, hasChromium, launchBrowser, loggedInPage, settled, watchErrors } from './web-helper.ts'
import { checkPage, englishTexts, stickyHeaderHeight } from './page-checks.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const pages = ['/', '/assets', '/asset?path=characters/chef_bun.blend', '/new', '/team', '/project', '/shots', '/rendering', '/credits', '/profile']
const sizes = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 900 }]

/** A farm with work on show: one job rendering on pc-lab-1, one paused by the teacher, one failed. */
async function busyFarm (server: TestServer): Promise<void> {
  const node = await farmSender(server, 'words-test')
  const job = async (body: object) => (await callAs(server, 'leo', 'POST', '/api/projects/demo/jobs', body)).json as { id: string }
  const failing = await job({ file: 'characters/chef_bun.blend', frameStart: 1, frameEnd: 2, priority: 90 })
  const welcome = await node('hello', { name: 'pc-lab-1', version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
  const session = welcome.session as string
  // The failing job first (highest priority): it fails on its first try (maxRetries 0).
  const first = ((await node('work', { node: 'pc-lab-1', session, free: 1, running: [], wait: false })).runs as Array<{ job: string, tasks: string[], frames: number[] }>)[0]!
  await node('failed', {
    node: 'pc-lab-1',
    session,
    job: first.job,
    tasks: first.tasks,
    frames: [],
    frame: first.frames[0],
    exitCode: 1,
    message: 'Blender stopped with exit code 1; the end of its log is below.',
    sentence: { key: 'job:fail-exit', params: { code: '1' } },
    logTail: 'Error: something',
  })
  if (first.job !== failing.id) throw new Error('the failing job was not handed out first')
  const rendering = await job({ file: 'shots/shot_020_heist.blend', frameStart: 4, frameEnd: 50, chunkSize: 47 })
  const paused = await job({ file: 'shots/shot_010_intro.blend', frameStart: 1, frameEnd: 10 })
  await callAs(server, 'teacher', 'PATCH', `/api/projects/demo/jobs/${paused.id}`, { action: 'pause' })
  const run = ((await node('work', { node: 'pc-lab-1', session, free: 1, running: [], wait: false })).runs as Array<{ job: string, tasks: string[], frames: number[] }>)[0]!
  if (run.job !== rendering.id) throw new Error('the rendering job was not handed out')
  const renders = join(server.projectDir(), 'renders', 'shots', 'shot_020_heist')
  mkdirSync(renders, { recursive: true })
  writeFileSync(join(renders, '0004.png'), 'PNG')
  await node('report', { node: 'pc-lab-1', session, job: run.job, tasks: run.tasks, frames: [{ frame: 4, seconds: 12.5, memoryMB: 300, file: '0004.png' }] })
}

t.test('every page, in English and German, on a phone and a desktop', async (t) => {
  const server = await startTestServer(t, { web: true, config: { farmSettings: { maxRetries: 0, blocklistAfter: 5, heartbeatSeconds: 600 } } })
  await busyFarm(server)
  const browser = await launchBrowser(t)
  for (const language of ['en', 'de']) {
    const english = language === 'en' ? [] : englishTexts(language)
    for (const user of ['alex', 'teacher']) {
      await callAs(server, user, 'PATCH', `/api/users/${user}`, { language })
      for (const size of sizes) {
        const { page, context, errors } = await loggedInPage(browser, server, user, size)
        for (const path of user === 'teacher' ? ['/project', '/rendering', '/dashboard'] : pages) {
          await page.goto(path)
          await settled(page)
          const where = `${language} ${size.name} ${user} ${path}`
          const found = await checkPage(page, english)
          t.same(found.cutOff, [], `${where}: no text cut off or out of its box`)
          t.same(found.narrowSelects, [], `${where}: every select shows its choice whole`)
          t.same(found.smallTargets, [], `${where}: everything to press is at least 40 px`)
          t.same(found.english, [], `${where}: no English words`)
          t.same(found.sideways, [], `${where}: the page does not scroll sideways`)
          if (size.name === 'phone') {
            const header = await stickyHeaderHeight(page)
            t.ok(header <= size.height * 0.12, `${where}: the sticky header covers ${Math.round(header)} px, at most 12 % of the screen`)
          }
        }
        t.same(errors, [], `${language} ${size.name} ${user}: no page errors`)
        await context.close()
      }
    }
  }
})

t.test('the log-in page, in English and German, on a phone and a desktop', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  for (const size of sizes) {
    for (const language of ['en', 'de']) {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: size.width, height: size.height } })
      const page = await context.newPage()
      const errors = watchErrors(page)
      await page.goto('/')
      if (language === 'de') {
        await page.getByLabel('Language').selectOption('de')
        await page.getByRole('heading', { name: 'Willkommen bei RFAM' }).waitFor()
      }
      await settled(page)
      const english = language === 'en' ? [] : englishTexts(language)
      const where = `${language} ${size.name} log-in`
      for (const step of ['people', 'PIN']) {
        const found = await checkPage(page, english)
        t.same(found.cutOff, [], `${where} (${step}): no text cut off or out of its box`)
        t.same(found.narrowSelects, [], `${where} (${step}): every select shows its choice whole`)
        t.same(found.smallTargets, [], `${where} (${step}): everything to press is at least 40 px`)
        t.same(found.english, [], `${where} (${step}): no English words`)
        t.same(found.sideways, [], `${where} (${step}): the page does not scroll sideways`)
        if (step === 'people') {
          await page.getByRole('button', { name: /Teacher/ }).click()
          await page.locator('input[type=password]').waitFor()
        }
      }
      // Logged out, the app's question "who is this?" is answered 401: that is the answer, not an error.
      t.same(errors.filter((e) => !/status of 401/.test(e)), [], `${where}: no page errors`)
      await context.close()
    }
  }
})
