// Files the server cannot read now (damaged on disk), for staff to fix: GET /api/problems.
import type { FastifyInstance } from 'fastify'
import { registerRoutes } from '../register-routes.ts'

export async function problemRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam
  registerRoutes(app, { listProblems: async () => ({ problems: workspace.problems.list() }) })
}
