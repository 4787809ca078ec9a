// Browser tests of the web UI: a real RFAM server (startTestServer with `web: true`: demo data in a
// folder of the test's own, the web UI built once per test process into a folder of its own) and a
// real Chromium driven by playwright-core.
import { readFileSync } from 'node:fs'
import tap from 'tap'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Tap } from '../helpers/folders.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { logIn, type Session } from '../helpers/login.ts'
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.ts'
import sharp from 'sharp'

export { chromiumArgs, chromiumPath }

const sessions = new WeakMap<TestServer, Map<string, Promise<Session>>>()

/** A user's session on a server, made once (over HTTP, with the teacher's PIN) and shared by the calls and pages of a test. */
export function sessionOf (server: TestServer, user: string): Promise<Session> {
  let known = sessions.get(server)
  if (!known) sessions.set(server, known = new Map())
  let session = known.get(user)
  if (!session) known.set(user, session = logIn(server.url, user, { secret: user === 'teacher' ? '1234' : undefined }))
  return session
}

/** Calls the API as a user (JSON in and out), with their session's bearer token. */
export async function callAs (server: TestServer, user: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: unknown }> {
  const { token } = await sessionOf(server, user)
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) as unknown : undefined }
}

let browser: Promise<Browser> | undefined

/** One Chromium per test file (each test opens its own contexts in it), closed when the file ends. */
export function launchBrowser (_t?: Tap): Promise<Browser> {
  if (!browser) {
    browser = chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
    tap.teardown(async () => { await (await browser!).close() })
  }
  return browser
}

/**
 * A page already logged in as `user` (the session cookie set directly), with every page error and
 * console error collected so tests can assert there were none.
 */
export async function loggedInPage (browser: Browser, server: TestServer, user: string, options: { width?: number, height?: number } = {}): Promise<{ page: Page, context: BrowserContext, errors: string[] }> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: options.width ?? 1280, height: options.height ?? 900 } })
  const value = (await sessionOf(server, user)).token
  await context.addCookies([{ name: 'rfam_session', value, url: server.url, httpOnly: true, sameSite: 'Strict' }])
  const page = await context.newPage()
  const errors = watchErrors(page)
  return { page, context, errors }
}

/** `user`'s page (loggedInPage), opened at `path`. */
export async function openAs (browser: Browser, server: TestServer, user: string, path: string, options: { width?: number } = {}): Promise<{ page: Page, context: BrowserContext, errors: string[] }> {
  const opened = await loggedInPage(browser, server, user, options)
  await opened.page.goto(path)
  return opened
}

/**
 * How most browser tests start: a server with the web UI of the test's own, the browser, and `user`'s
 * page open at `path`. Tests that prepare the server first, or need no logged-in page, use the parts.
 */
export async function startAndOpen (t: Tap, user: string, path: string, options: { width?: number } = {}) {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  return { server, browser, ...(await openAs(browser, server, user, path, options)) }
}

export function watchErrors (page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  // The address too: "Failed to load resource" alone does not say which.
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}${message.location().url ? ` (${message.location().url})` : ''}`) })
  return errors
}

/** Waits until a page has drawn what it loads (its heading, then no "Loading…" left). */
export async function settled (page: Page): Promise<void> {
  await page.locator('rfam-app').locator('main h1').first().waitFor()
  await page.waitForFunction(() => {
    const busy = (root: Document | ShadowRoot): boolean => [...root.querySelectorAll('*')].some((el) =>
      el.getAttribute('aria-busy') === 'true' || (el.shadowRoot !== null && busy(el.shadowRoot)))
    return !busy(document)
  })
  await page.waitForTimeout(300)
}

/** Skips a test file when there is no Chromium on this machine. */
export async function hasChromium (): Promise<boolean> {
  const { access } = await import('node:fs/promises')
  return access(chromiumPath).then(() => true, () => false)
}

/** Reads a JSON file (a sidecar, a user, project.json) as it is on disk now. */
export function readJson<T = Record<string, unknown>> (file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}

/** A picture of one colour as PNG bytes, for the upload tests (team pictures, faces, a class's .zip). */
export async function colourPng (colour: string, width = 300, height = 200): Promise<Buffer> {
  return await sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer()
}
