// Registers everything on the one Fastify instance: shared schemas, the workspace (users,
// projects, assets), log-in, the API routes, the farm, then the web UI.
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyMultipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import { loadSchemas } from '../schemas/load.ts'
import type { LoadedConfig } from './config/load-config.ts'
import { repoRoot } from './config/load-config.ts'
import { SessionStore } from './auth/session-store.ts'
import { LoginGuard } from './auth/login-guard.ts'
import { ConnectCodes } from './auth/connect-codes.ts'
import { authPlugin } from './auth/auth-plugin.ts'
import { securityHeaders } from './security-headers.ts'
import { tightenSecretFiles } from './config/secret-files.ts'
import { Workspace } from './store/workspace.ts'
import { Notifier } from './notify/notifier.ts'
import { notificationRoutes } from './routes/api/notifications.ts'
import { sessionRoutes } from './routes/api/session.ts'
import { userRoutes } from './routes/api/users.ts'
import { userSessionRoutes } from './routes/api/user-sessions.ts'
import { userPinRoutes } from './routes/api/user-pins.ts'
import { classSetupRoutes } from './routes/api/class-setup.ts'
import { projectRoutes } from './routes/api/projects.ts'
import { assetRoutes } from './routes/api/assets.ts'
import { eventRoutes } from './routes/api/events.ts'
import { versionRoutes } from './routes/api/version.ts'
import { fileRoutes } from './routes/api/files.ts'
import { problemRoutes } from './routes/api/problems.ts'
import { nodeProtocolRoutes } from './routes/api/farm-protocol.ts'
import { prenodeRoutes } from './routes/api/farm-prenode.ts'
import { jobRoutes } from './routes/api/jobs.ts'
import { jobFrameRoutes } from './routes/api/job-frames.ts'
import { thumbnailRoutes } from './routes/api/thumbnails.ts'
import { filmRoutes } from './routes/api/film.ts'
import { nodeRoutes } from './routes/api/nodes.ts'
import { noteRoutes } from './routes/api/notes.ts'
import { addonRoutes } from './routes/api/addon.ts'
import { dashboardRoutes } from './routes/api/dashboard.ts'
import { farmPlugin } from './farm/farm-plugin.ts'
import { farmDepsFromApp } from './farm/farm-deps.ts'
import type { Clock } from './farm/clock.ts'
import { checkRouteTable } from './routes/register-routes.ts'
import './types.ts'

export interface AppOptions {
  /** Watch the disk for changes (off in a few unit tests that drive the index by hand). */
  watch?: boolean
  /** Folder of the built web UI; defaults to web/dist. */
  webDir?: string
  /** The time for log-ins and their waits (tests move it on by hand). */
  clock?: () => number
  /** The farm's clock (its timeouts and automatic renders), for tests that move it on by hand. */
  farmClock?: Clock
}

/** The API's routes, registered in this order; the farm's come after the farm plugin, whose app.farm they use. */
const API_ROUTES = [sessionRoutes, userRoutes, userSessionRoutes, userPinRoutes, classSetupRoutes, projectRoutes, assetRoutes, eventRoutes, versionRoutes, fileRoutes, problemRoutes, addonRoutes, notificationRoutes]
// Notes and thumbnails come after the farm: a note may point at a frame of a job, a shot's thumbnail is its latest frame.
const FARM_ROUTES = [nodeProtocolRoutes, prenodeRoutes, jobRoutes, jobFrameRoutes, thumbnailRoutes, nodeRoutes, noteRoutes, dashboardRoutes, filmRoutes]

export async function registerApp (app: FastifyInstance, config: LoadedConfig, options: AppOptions = {}): Promise<void> {
  for (const schema of loadSchemas()) app.addSchema(schema)
  for (const line of tightenSecretFiles(config)) app.log.warn(line)
  const workspace = new Workspace(config, options.watch ?? true, (fields, msg) => app.log.warn(fields, msg))
  await workspace.start()
  const now = options.clock ?? Date.now
  const sessions = new SessionStore({
    dir: join(config.secretsDir, 'sessions'),
    idleMs: config.sessionHours * 3600_000,
    maxMs: config.sessionMaxDays * 86_400_000,
    now,
    log: (fields, msg) => app.log.warn(fields, msg),
  }, {
    get: (ident) => workspace.users.get(ident),
    broken: (ident) => workspace.users.broken().some((b) => basename(b.file) === `${ident}.json`),
  })
  await sessions.load()
  // A removed user file or a changed password ends log-ins at once, whoever changed the file.
  workspace.users.on('change', () => { void sessions.sweep() })
  const notifier = new Notifier(workspace, config.usersDir, (fields, msg) => app.log.warn(fields, msg))
  app.decorate('rfam', {
    config, workspace, sessions, logins: new LoginGuard(config.loginThrottle, now), connectCodes: new ConnectCodes(config.loginThrottle, now), notifier,
  })
  app.addHook('onClose', async () => { await notifier.close(); await sessions.close(); await workspace.close() })
  // Every API route Fastify knows is in the route contract and every contract route has a handler,
  // or the server does not start (checked once every route, a test's own included, is in place).
  app.addHook('onReady', async () => { checkRouteTable(app.routeTable) })
  // Background reading of .blend files starts once every plugin is loaded, not during start-up.
  app.addHook('onReady', async () => { workspace.startBackgroundWork() })

  await app.register(securityHeaders)
  await app.register(fastifyCookie)
  await app.register(fastifyMultipart, { limits: { fileSize: config.maxUploadBytes, files: 1, fields: 5 } })
  await app.register(authPlugin)

  for (const routes of API_ROUTES) await app.register(routes)
  await app.register(farmPlugin, options.farmClock ? { deps: { ...farmDepsFromApp(app), clock: options.farmClock } } : {})
  for (const routes of FARM_ROUTES) await app.register(routes)

  await registerWeb(app, options.webDir ?? join(repoRoot, 'web', 'dist'))
}

/** Serves the built web UI, with index.html for every client-side route. */
async function registerWeb (app: FastifyInstance, webDir: string): Promise<void> {
  const built = existsSync(join(webDir, 'index.html'))
  if (built) await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: 'index.html', maxAge: 0 })
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(request.url.split('?')[0]!)
    if (wantsPage && built) return reply.type('text/html').sendFile('index.html')
    if (wantsPage) return reply.code(503).type('text/plain').send('The web UI is not built yet: run `npm run build` (npm start does it for you).')
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', code: 'RFAM_NOT_FOUND', message: `Nothing at ${request.method} ${request.url.split('?')[0]}.` })
  })
}
