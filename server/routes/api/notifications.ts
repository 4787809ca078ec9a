// The caller's notifications in a project (server/notify/): the list for the bell and the add-on, and
// marking them read. Each person only ever reads and marks their own: the file is chosen by the
// logged-in user, never by anything in the request.
import type { FastifyInstance } from 'fastify'
import { registerRoutes } from '../register-routes.ts'

export async function notificationRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, notifier } = app.rfam

  registerRoutes(app, {
    listNotifications: async (request) => {
      const { project } = request.params
      workspace.project(project)
      const { asset, limit } = request.query
      return notifier.list(request.user!.ident, project, { asset, limit: limit === undefined ? undefined : Number(limit) })
    },

    markNotificationsRead: async (request) => {
      const { project } = request.params
      workspace.project(project)
      const { ids, all } = request.body
      await notifier.markRead(request.user!.ident, project, all ? 'all' : ids ?? [])
      return notifier.list(request.user!.ident, project)
    },
  })
}
