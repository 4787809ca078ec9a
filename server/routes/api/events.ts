// Live updates: a server-sent event stream per project. Anything that changes (in a browser, in
// Blender, by a render node or on disk) reaches every open page within the watcher's delay.
import type { FastifyInstance } from 'fastify'
import type { ProjectChange } from '../../store/workspace.ts'
import type { Delivered } from '../../notify/notifier.ts'
import { registerRoutes } from '../register-routes.ts'
import { ChangeFeed } from './change-feed.ts'

export async function eventRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam
  workspace.setMaxListeners(0)
  const open = new Set<() => void>()
  // Bursts (a rescan, a render node's reports) are folded into one message per 100 ms, made once per project.
  const feeds = new Map<string, ChangeFeed>()
  workspace.on('change', (change: ProjectChange) => { feeds.get(change.project)?.add(change) })
  // A person's notifications go to their own open pages of the project, and nobody else's.
  const people = new Map<string, Map<(message: string) => void, string>>()
  app.rfam.notifier.on('notification', ({ project, user, notification }: Delivered) => {
    const message = `event: notification\ndata: ${JSON.stringify(notification)}\n\n`
    for (const [send, ident] of people.get(project) ?? []) if (ident === user) send(message)
  })
  app.addHook('onClose', async () => {
    for (const end of [...open]) end()
    for (const feed of feeds.values()) feed.close()
  })

  registerRoutes(app, {
    projectEvents: async (request, reply) => {
      const { project } = request.params
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      res.write('retry: 1000\n\n')
      let feed = feeds.get(project)
      if (!feed) feeds.set(project, feed = new ChangeFeed())
      const send = (message: string) => { res.write(message) }
      const leave = feed.open(send)
      let pages = people.get(project)
      if (!pages) people.set(project, pages = new Map())
      pages.set(send, request.user!.ident)
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      const stop = () => {
        clearInterval(keepAlive)
        leave()
        pages.delete(send)
        if (pages.size === 0 && people.get(project) === pages) people.delete(project)
        if (feed.empty && feeds.get(project) === feed) { feed.close(); feeds.delete(project) }
        open.delete(end)
      }
      const end = () => { stop(); res.end() }
      open.add(end)
      request.raw.on('close', stop)
    },
  })
}
