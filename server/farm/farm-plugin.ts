// The render farm as a Fastify plugin: decorates `app.farm` with the Farm service, starts automatic
// renders and writes the local demo node's configuration. Its routes (the node and prenode
// protocols, a project's jobs, the nodes table) live in routes/api/ and app.ts registers them after
// it: the farm is a layer below the routes. Wire it in app.ts with: `await app.register(farmPlugin)`
// (after the auth plugin).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { AutoRender } from './auto-render.ts'
import { Farm, type FarmDeps } from './farm.ts'
import { farmDepsFromApp } from './farm-deps.ts'
import { writeLocalNodeConfig } from './local-node.ts'

export interface FarmPluginOptions {
  /** Dependencies to use instead of those built from `app.rfam` (tests of the farm alone). */
  deps?: FarmDeps
  /** Write <secrets>/local-node.json for a render node on this machine (default: true). */
  localNode?: boolean
}

export const farmPlugin = fp(async (app: FastifyInstance, options: FarmPluginOptions) => {
  const farm = new Farm(options.deps ?? farmDepsFromApp(app))
  await farm.start()
  app.decorate('farm', farm)
  const rfam = (app as Partial<FastifyInstance>).rfam
  const auto = rfam && farm.settings.autoRender ? new AutoRender(farm, rfam.workspace, farm.clock, farm.deps.log) : null
  auto?.start()
  app.addHook('preClose', async () => {
    auto?.stop()
    await farm.close()
  })
  if (options.localNode ?? true) {
    app.addHook('onListen', async () => {
      try {
        const file = await writeLocalNodeConfig(app, farm)
        if (file) farm.deps.log.info({ file, command: `npx tsx node/main.ts --config ${file}` }, 'local render node configuration written')
      } catch (err) {
        farm.deps.log.warn({ err }, 'could not write the local render node configuration')
      }
    })
  }
}, { name: 'rfam-farm' })
