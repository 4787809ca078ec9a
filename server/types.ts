// What the app's plugins add to Fastify, typed once for every route.
import type { User } from '../schemas/generated/types.ts'
import type { LoadedConfig } from './config/load-config.ts'
import type { SessionStore } from './auth/session-store.ts'
import type { LoginGuard } from './auth/login-guard.ts'
import type { ConnectCodes } from './auth/connect-codes.ts'
import type { Workspace } from './store/workspace.ts'
import type { Access, RouteEntry } from './auth/access.ts'
import type { Farm } from './farm/farm.ts'
import type { Notifier } from './notify/notifier.ts'

export interface Rfam {
  config: LoadedConfig
  workspace: Workspace
  /** Every log-in, kept in memory and in <secrets>/sessions. */
  sessions: SessionStore
  /** Password and PIN checks: the wait after wrong tries, a few checks at a time. */
  logins: LoginGuard
  /** Codes the Blender add-on logs in with (memory only). */
  connectCodes: ConnectCodes
  /** Who is told what, and each person's notifications (server/notify/). */
  notifier: Notifier
}

declare module 'fastify' {
  interface FastifyInstance {
    rfam: Rfam
    farm: Farm
    /** Every route registered, with who may call it (filled by the auth plugin). */
    routeTable: RouteEntry[]
  }
  interface FastifyRequest {
    /** The logged-in user; set for every /api route that is not public. */
    user: User | null
    /** The project the session was opened for. */
    sessionProject: string | null
    /** The name of the farm credential a render node or prenode sent; set for every 'farm' route. */
    farmCredential: string | null
  }
  interface FastifyContextConfig {
    /** Who may call the route (server/auth/access.ts); every /api route must say. */
    access?: Access
    /** For access 'staff': what the refusal says only staff can do ("pause or resume render nodes"). */
    staffOnly?: string
    /** The route's id in the route contract (schemas/routes), set by registerRoutes(). */
    routeId?: string
  }
}
