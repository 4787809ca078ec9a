// Builds the farm's dependencies from the running server (config, workspace), so the plugin
// needs nothing but `app.rfam`.
import type { FastifyInstance } from 'fastify'
import { shownPath } from '../store/shown-path.ts'
import type { FarmDeps } from './farm.ts'

export function farmDepsFromApp (app: FastifyInstance): FarmDeps {
  const { config, workspace } = app.rfam
  return {
    farmDir: config.farmDir,
    secretsDir: config.secretsDir,
    settings: config.farm,
    resolveNamedPath: (named) => config.shares.resolve(named),
    project: (ident) => {
      const p = workspace.projects.get(ident)
      return p ? { directory: p.directory, renderPriority: p.renderPriority } : undefined
    },
    projects: () => workspace.projects.all().map((p) => p.ident),
    asset: (project, path) => {
      try {
        const view = workspace.store(project).get(path)
        return view.meta ? { name: view.meta.name, priority: view.truePriority } : undefined
      } catch {
        return undefined
      }
    },
    updateAsset: async (project, path, change) => { await workspace.store(project).update(path, change) },
    assetStats: (project, path) => {
      try {
        return workspace.store(project).get(path).meta?.renderStats
      } catch {
        return undefined
      }
    },
    emit: (change) => { workspace.emit('change', change) },
    problem: (file, reason) => { workspace.problems.set({ kind: 'farm', file: shownPath(config, file), reason }) },
    log: {
      info: (m) => app.log.info(m),
      warn: (m) => app.log.warn(m),
      error: (m) => app.log.error(m),
    },
  }
}
