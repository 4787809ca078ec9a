// The one in-process server starter: a real RFAM server (buildServer, as `npm start` builds it) on a
// folder of the test's own, torn down after the test. The embedded defaults sets and languages are
// used as they ship. For a server as its own process (killed for real, `npm start` itself), see
// server-process.ts.
import { cpSync, existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadConfig, repoRoot, type LoadedConfig } from '../../server/config/load-config.ts'
import { buildServer } from '../../server/server.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import type { ManualClock } from '../../server/farm/clock.ts'
import { processGone } from '../../common/process-space.ts'
import { buildWeb } from '../../scripts/build-web.mjs'
import { writeTestConfig } from '../../scripts/test-server-config.ts'
import { testFolder, type Tap } from './folders.ts'
import { until } from './until.ts'

export type { Tap }
export { writeTestConfig }

export interface TestServer {
  app: FastifyInstance
  config: LoadedConfig
  /** The folder holding server.json and everything the server writes. */
  dir: string
  /** Absolute folder of a project's files. */
  projectDir: (project?: string) => string
  /** Where it listens (with `listen` or `web`); '' otherwise. */
  url: string
  /** Stops it (its folder stays; start() starts it again). */
  stop: () => Promise<void>
  /** Starts it again on the same folder, the same options and (when listening) the same port. */
  start: () => Promise<void>
  /** stop(), then start(). */
  restart: () => Promise<void>
}

export interface TestServerOptions {
  /** Seed the demo project (default: yes). */
  demo?: boolean
  /** Listen on 127.0.0.1, on the config's port (a free one unless the test set it) (default: inject only). */
  listen?: boolean
  /** Serve the web UI (built once per test process) and listen: for browser tests. */
  web?: boolean
  /** server.json settings on top of the test defaults. */
  config?: Record<string, unknown>
  /** Start on this server.json (a folder the test prepared) instead of writing one. */
  configFile?: string
  /** The time of log-ins and sessions: moves only when the test says so. */
  clock?: ManualClock
  /** The farm's time (its timeouts, automatic renders): moves only when the test says so. */
  farmClock?: ManualClock
  /** Watch the disk (default: yes). */
  watch?: boolean
  /** Called before the server is ready, to add a route of the test's own. */
  beforeReady?: (app: FastifyInstance) => unknown
}

let built: Promise<string> | undefined

/** The web UI, built once per test process into a folder of its own (parallel test files never share one). */
export function builtWeb (): Promise<string> {
  // tap is loaded here only: benchmarks and scripts use this module without it.
  built ??= import('tap').then(({ default: tap }) => buildWeb({ outDir: testFolder(tap, 'web-ui') })).then((r) => r.outDir)
  return built
}

let seeded: Promise<string> | undefined

/**
 * The demo as seedDemoIfEmpty makes it (data/, users/, projects/), made once per test run and copied
 * for each server: seeding hashes the teacher's PIN and writes every asset through a project store,
 * a quarter of a second of CPU per server; a copy takes milliseconds. The first test process of a run
 * (the tap runner is each one's parent) offers its copy to the others under .tap/fixtures, whole or
 * not at all (made aside, then renamed); the copies of runs that are over are removed.
 */
function seededDemo (): Promise<string> {
  seeded ??= (async () => {
    const fixtures = join(repoRoot, '.tap', 'fixtures')
    const shared = join(fixtures, `demo-as-seeded-${process.ppid}`)
    if (existsSync(shared)) return shared
    const { default: tap } = await import('tap')
    const own = testFolder(tap, 'demo-as-seeded')
    await seedDemoIfEmpty(loadConfig(writeTestConfig(own)))
    const offer = `${shared}.${process.pid}.tmp`
    try {
      cpSync(own, offer, { recursive: true })
      renameSync(offer, shared)
    } catch {
      rmSync(offer, { recursive: true, force: true }) // another process of the run was first
    }
    for (const name of readdirSync(fixtures)) {
      const run = /^demo-as-seeded-(\d+)$/.exec(name)?.[1]
      if (run && processGone(Number(run))) rmSync(join(fixtures, name), { recursive: true, force: true })
    }
    return own
  })()
  return seeded
}

/** Settings that change where the demo goes or what it is made of: a server with one of them seeds its own. */
const SEEDING = ['shares', 'users', 'projects', 'defaults', 'defaultSet', 'demo']

export async function startTestServer (t: Tap, options: TestServerOptions = {}): Promise<TestServer> {
  const configFile = options.configFile ?? writeTestConfig(testFolder(t, 'server'), {
    ...(options.web ? { rescanSeconds: 5 } : {}),
    ...options.config,
  })
  const config = loadConfig(configFile)
  if ((options.demo ?? true) && !options.configFile && t.testdir && !SEEDING.some((k) => k in (options.config ?? {}))) {
    const from = await seededDemo()
    for (const part of ['data', 'users', 'projects']) cpSync(join(from, part), join(configFile, '..', part), { recursive: true })
  } else if (options.demo ?? true) {
    await seedDemoIfEmpty(config)
  }
  const webDir = options.web ? await builtWeb() : undefined
  const listen = options.listen || options.web
  let url = ''
  let current: FastifyInstance | undefined
  t.teardown(() => current?.close())
  const start = async () => {
    const app = current = await buildServer(config, {
      ...(webDir ? { webDir } : {}),
      ...(options.clock ? { clock: options.clock.now } : {}),
      ...(options.farmClock ? { farmClock: options.farmClock } : {}),
      ...(options.watch === false ? { watch: false } : {}),
    })
    await options.beforeReady?.(app)
    if (listen) {
      // Again on the same port after a restart, so clients that know the address find it.
      const port = url ? Number(new URL(url).port) : config.port
      await app.listen({ host: '127.0.0.1', port })
      const address = app.server.address()
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    } else {
      await app.ready()
    }
    return app
  }
  const server: TestServer = {
    app: await start(),
    config,
    dir: join(configFile, '..'),
    url,
    projectDir: (project = 'demo') => config.shares.resolve(`data::${project}`),
    stop: async () => {
      await current?.close()
      current = undefined
    },
    start: async () => { server.app = await start() },
    restart: async () => {
      await server.stop()
      await server.start()
    },
  }
  server.url = url
  return server
}

/**
 * A second project, "Other Team" (other), with one person, Olga (olga), in it and in no other: for
 * what someone of another project may not see or do. Resolves once the server has opened it.
 */
export async function addOtherTeam (s: TestServer): Promise<void> {
  writeFileSync(join(s.config.projectsDir, 'other.json'), JSON.stringify({ ident: 'other', name: 'Other Team', directory: 'data::other' }))
  writeFileSync(join(s.config.usersDir, 'olga.json'), JSON.stringify({ ident: 'olga', name: 'Olga', projects: ['other'] }))
  s.app.rfam.workspace.users.reload()
  s.app.rfam.workspace.projects.reload()
  await until('the other project open', () => s.app.rfam.workspace.allStores().some((store) => store.ident === 'other'))
}
