// What the app's plugins add to Fastify, typed once for every route.
import type { User } from '../schemas/generated/types.ts'
import type { LoadedConfig } from './config/load-config.ts'
import type { SessionTokens } from './auth/session-token.ts'
import type { Workspace } from './store/workspace.ts'

export interface Rfam {
  config: LoadedConfig
  workspace: Workspace
  tokens: SessionTokens
}

declare module 'fastify' {
  interface FastifyInstance { rfam: Rfam }
  interface FastifyRequest {
    /** The logged-in user; set for every /api route that is not public. */
    user: User | null
    /** The project the session was opened for. */
    sessionProject: string | null
  }
  interface FastifyContextConfig {
    /** Reachable without a session (log-in page, pictures, the farm's own credential check). */
    public?: boolean
  }
}
