// Files the server cannot read now (damaged on disk), for staff to fix: GET /api/problems.
import type { FastifyInstance } from 'fastify'

export async function problemRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam
  app.get('/api/problems', {
    config: { access: 'staff', staffOnly: 'see which files are damaged' },
    schema: { response: { 200: { $ref: 'api-problems.schema.json#' } } },
  }, async () => ({ problems: workspace.problems.list() }))
}
