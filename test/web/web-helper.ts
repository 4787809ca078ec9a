// Browser tests of the web UI: a real RFAM server (demo data in a temporary folder, the web UI built into
// a temporary folder so parallel test files never share one) and a real Chromium driven by playwright-core.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tap from 'tap'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { loadConfig, type LoadedConfig } from '../../server/config/load-config.ts'
import { buildServer } from '../../server/server.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { buildWeb } from '../../scripts/build-web.mjs'
import { chromiumArgs, chromiumPath } from './chromium.ts'

export { chromiumArgs, chromiumPath }

interface Tap { teardown: (fn: () => unknown) => void }

export interface WebServer {
  app: FastifyInstance
  url: string
  config: LoadedConfig
  dir: string
  /** Absolute folder of a project's files. */
  projectDir: (project?: string) => string
  /** A session cookie value for a user, got through the API. */
  token: (user: string, project?: string, secret?: string) => Promise<string>
  /** Calls the API as a user (JSON in and out). */
  call: (user: string, method: string, path: string, body?: unknown) => Promise<{ status: number, json: unknown }>
}

let built: Promise<string> | undefined

/** Builds the web UI once per test process into its own temporary folder, removed when the file ends. */
export function builtWeb (): Promise<string> {
  if (!built) {
    const outDir = mkdtempSync(join(tmpdir(), 'rfam-web-'))
    built = buildWeb({ outDir }).then(() => outDir)
    tap.teardown(() => rmSync(outDir, { recursive: true, force: true }))
  }
  return built
}

/** A listening RFAM server with the demo project, torn down after the test. */
export async function startWebServer (t: Tap, options: { demo?: boolean, config?: Record<string, unknown>, clock?: () => number } = {}): Promise<WebServer> {
  const webDir = await builtWeb()
  const dir = mkdtempSync(join(tmpdir(), 'rfam-webtest-'))
  const config = loadConfig(writeTestConfig(dir, { rescanSeconds: 5, ...options.config }))
  if (options.demo ?? true) await seedDemoIfEmpty(config)
  const app = await buildServer(config, { webDir, ...(options.clock ? { clock: options.clock } : {}) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  t.teardown(async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const tokens = new Map<string, string>()
  const token = async (user: string, project = 'demo', secret?: string): Promise<string> => {
    const key = `${user}@${project}`
    const known = tokens.get(key)
    if (known) return known
    const res = await fetch(`${url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project, user, ...(secret ? { secret } : {}) }),
    })
    if (res.status !== 200) throw new Error(`log-in of ${user} failed: ${res.status} ${await res.text()}`)
    const value = res.headers.get('x-rfam-token')!
    tokens.set(key, value)
    return value
  }
  return {
    app, url, config, dir, token,
    projectDir: (project = 'demo') => config.shares.resolve(`data::${project}`),
    call: async (user, method, path, body) => {
      const bearer = await token(user, 'demo', user === 'teacher' ? '1234' : undefined)
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      })
      const text = await res.text()
      return { status: res.status, json: text ? JSON.parse(text) as unknown : undefined }
    },
  }
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
export async function loggedInPage (browser: Browser, server: WebServer, user: string, options: { width?: number } = {}): Promise<{ page: Page, context: BrowserContext, errors: string[] }> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: options.width ?? 1280, height: 900 } })
  const value = await server.token(user, 'demo', user === 'teacher' ? '1234' : undefined)
  await context.addCookies([{ name: 'rfam_session', value, url: server.url, httpOnly: true, sameSite: 'Strict' }])
  const page = await context.newPage()
  const errors = watchErrors(page)
  return { page, context, errors }
}

export function watchErrors (page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`) })
  return errors
}

/** Skips a test file when there is no Chromium on this machine. */
export async function hasChromium (): Promise<boolean> {
  const { access } = await import('node:fs/promises')
  return access(chromiumPath).then(() => true, () => false)
}

/** Waits until `check` returns something truthy (polling), or fails with `what` after `ms`. */
export async function until<T> (what: string, check: () => Promise<T> | T, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Reads a JSON file (a sidecar, a user, project.json) as it is on disk now. */
export function readJson<T = Record<string, unknown>> (file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}
