// Live updates: a server-sent event stream per project. Anything that changes (in a browser, in
// Blender, by a render node or on disk) reaches every open page within the watcher's delay.
import type { FastifyInstance } from 'fastify'
import type { LiveChanges } from '../../../schemas/generated/types.ts'
import type { ProjectChange } from '../../store/workspace.ts'
import { registerRoutes } from '../register-routes.ts'

export async function eventRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam
  workspace.setMaxListeners(0)
  const open = new Set<() => void>()
  app.addHook('onClose', async () => { for (const end of [...open]) end() })

  registerRoutes(app, {
    projectEvents: async (request, reply) => {
      const { project } = request.params
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      res.write('retry: 1000\n\n')
      // Bursts (a rescan, a render node's reports) are folded into one message per 100 ms.
      let pending: ProjectChange[] = []
      let timer: NodeJS.Timeout | undefined
      const flush = () => {
        timer = undefined
        const batch = pending
        pending = []
        const data: LiveChanges = { changes: batch.slice(0, 200), more: batch.length > 200 }
        res.write(`event: change\ndata: ${JSON.stringify(data)}\n\n`)
      }
      const onChange = (change: ProjectChange) => {
        if (change.project !== project) return
        pending.push(change)
        timer ??= setTimeout(flush, 100)
      }
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      workspace.on('change', onChange)
      const stop = () => {
        clearInterval(keepAlive)
        clearTimeout(timer)
        workspace.off('change', onChange)
        open.delete(end)
      }
      const end = () => { stop(); res.end() }
      open.add(end)
      request.raw.on('close', stop)
    },
  })
}
