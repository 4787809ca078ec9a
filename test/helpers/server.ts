// Builds a real RFAM server on a temporary data folder for one test, and tears it down after.
// The embedded defaults sets and languages are used as they ship.
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadConfig, repoRoot, type LoadedConfig } from '../../server/config/load-config.ts'
import { buildServer } from '../../server/server.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'

export interface TestServer {
  app: FastifyInstance
  config: LoadedConfig
  dir: string
  /** Absolute folder of a project's files. */
  projectDir: (project?: string) => string
  /** Logs in through the API and returns the cookie header to send. */
  login: (user: string, project?: string, secret?: string) => Promise<string>
  url: string
}

interface Tap { teardown: (fn: () => unknown) => void }

export function writeTestConfig (dir: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'server.json')
  writeFileSync(file, JSON.stringify({
    host: '127.0.0.1',
    port: 0,
    shares: [{ ident: 'data', path: 'data' }],
    users: 'users',
    projects: 'projects',
    farm: 'farm',
    secrets: 'secrets',
    defaults: join(repoRoot, 'config', 'defaults'),
    languages: join(repoRoot, 'config', 'languages'),
    logLevel: 'silent',
    rescanSeconds: 30,
    localNode: false,
    ...extra,
  }, null, 2))
  return file
}

/** A clock tests move on by hand (session expiry, log-in waits), so nothing sleeps. */
export interface FakeClock { now: () => number, advance: (ms: number) => void }

export function fakeClock (start = Date.parse('2026-11-24T08:00:00Z')): FakeClock {
  let now = start
  return { now: () => now, advance: (ms) => { now += ms } }
}

export async function startTestServer (t: Tap, options: { demo?: boolean, listen?: boolean, config?: Record<string, unknown>, clock?: FakeClock } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-test-'))
  const config = loadConfig(writeTestConfig(dir, options.config))
  if (options.demo ?? true) await seedDemoIfEmpty(config)
  const app = await buildServer(config, options.clock ? { clock: options.clock.now } : {})
  let url = ''
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  } else {
    await app.ready()
  }
  t.teardown(async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    app, config, dir, url,
    projectDir: (project = 'demo') => config.shares.resolve(`data::${project}`),
    login: async (user, project = 'demo', secret) => {
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { project, user, ...(secret ? { secret } : {}) } })
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
      const cookie = res.cookies.find((c) => c.name === 'rfam_session')!
      return `rfam_session=${cookie.value}`
    },
  }
}
