// Takes screenshots of the main pages into docs/screenshots/ from the demo project: a real server on a
// temporary data folder, the web UI freshly built, Chromium driven by playwright-core.
// Run: npx tsx scripts/screenshots.ts   (or npm run screenshots)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { loadConfig, repoRoot } from '../server/config/load-config.ts'
import { buildServer } from '../server/server.ts'
import { seedDemoIfEmpty } from '../server/demo/seed-demo.ts'
import { writeTestConfig } from './test-server-config.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import { buildWeb } from './build-web.mjs'

const outDir = join(repoRoot, 'docs', 'screenshots')

interface Shot { name: string, path: string, user?: string, width?: number, prepare?: (page: Page) => Promise<void> }

// What a shot does on its page before the picture is taken (its `prepare`).
async function fillNewAssetForm (page: Page): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill('Hero Shot')
  await page.getByLabel('Type').selectOption('shot')
}

/** A real job, queued through the form (no render node runs here, so it waits). */
async function queueAJob (page: Page): Promise<void> {
  const form = page.locator('rfam-job-form')
  await form.getByLabel('File to render').selectOption('shots/shot_010_intro.blend')
  await form.getByLabel('Last frame').fill('48')
  await form.getByRole('button', { name: 'Render' }).click()
  await page.locator('rfam-job-card').first().waitFor()
}

async function switchToGerman (page: Page): Promise<void> {
  await page.locator('header').getByLabel('Language').selectOption('de')
  await page.getByText('Assets insgesamt').waitFor()
}

const shots: Shot[] = [
  { name: 'login', path: '/' },
  { name: 'home', path: '/', user: 'alex' },
  { name: 'assets', path: '/assets', user: 'alex' },
  { name: 'asset', path: '/asset?path=characters/chef_bun.blend', user: 'alex' },
  { name: 'new-asset', path: '/new', user: 'alex', prepare: fillNewAssetForm },
  { name: 'team', path: '/team', user: 'alex' },
  { name: 'project', path: '/project', user: 'teacher' },
  { name: 'shots', path: '/shots', user: 'zoe' },
  { name: 'credits', path: '/credits', user: 'zoe' },
  { name: 'rendering', path: '/rendering', user: 'leo', prepare: queueAJob },
  { name: 'phone-home', path: '/', user: 'mia', width: 390 },
  { name: 'phone-assets', path: '/assets', user: 'mia', width: 390 },
  { name: 'german-assets', path: '/assets', user: 'sam', prepare: switchToGerman },
]

const dir = mkdtempSync(join(tmpdir(), 'rfam-screenshots-'))
try {
  const webDir = join(dir, 'web')
  await buildWeb({ outDir: webDir })
  const config = loadConfig(writeTestConfig(join(dir, 'server')))
  await seedDemoIfEmpty(config)
  const app = await buildServer(config, { webDir })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  mkdirSync(outDir, { recursive: true })
  for (const shot of shots) {
    const width = shot.width ?? 1280
    const context = await browser.newContext({ baseURL: url, viewport: { width, height: 900 }, deviceScaleFactor: 1 })
    if (shot.user) {
      const res = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ project: 'demo', user: shot.user, ...(shot.user === 'teacher' ? { secret: '1234' } : {}) }),
      })
      const token = res.headers.get('x-rfam-token')
      if (!token) throw new Error(`log-in of ${shot.user} failed: ${res.status}`)
      await context.addCookies([{ name: 'rfam_session', value: token, url }])
    }
    const page = await context.newPage()
    await page.goto(shot.path)
    await page.locator('rfam-app').locator('main h1').first().waitFor()
    await page.waitForLoadState('networkidle').catch(() => undefined)
    await shot.prepare?.(page)
    await page.waitForTimeout(400)
    // The whole page in one picture: the window is made as tall as the page, so every row is painted.
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    await page.setViewportSize({ width, height: Math.min(Math.max(height, 600), 4000) })
    await page.waitForTimeout(200)
    await page.screenshot({ path: join(outDir, `${shot.name}.png`) })
    console.log(`docs/screenshots/${shot.name}.png`)
    await context.close()
  }
  await browser.close()
  await app.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
