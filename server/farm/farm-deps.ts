// What the farm needs from the rest of the server, and how the running server provides it (config,
// workspace), so the plugin needs nothing but `app.rfam`; tests of the farm alone build their own.
import type { FastifyInstance } from 'fastify'
import type { Job, RenderStats } from '../../schemas/generated/types.ts'
import type { BlendFacts } from '../store/blend-link-cache.ts'
import type { FarmSettings } from '../config/load-config.ts'
import { shownPath } from '../store/shown-path.ts'
import type { Clock } from './clock.ts'
import type { UpdateAsset } from './render-stats.ts'
import type { NewEvent } from '../store/asset-history.ts'

/** The farm's log: pino's call, fields (job, task, node, frame, project …) first, then a short message. */
export interface FarmLog {
  info: (fields: object, msg: string) => void
  warn: (fields: object, msg: string) => void
  error: (fields: object, msg: string) => void
}

/** What the farm needs from the rest of the server (the lead's app provides it, tests build it). */
export interface FarmDeps {
  farmDir: string
  secretsDir: string
  settings: FarmSettings
  /** Absolute path of a named path on this server; throws a 400 for paths leaving their share. */
  resolveNamedPath: (named: string) => string
  /** A project's folder (named path), render priority and pinned Blender version; undefined for an unknown project. */
  project: (ident: string) => { directory: string, renderPriority?: number, blenderVersion?: string } | undefined
  /** Every project's ident (node changes are announced to all of them). */
  projects?: () => string[]
  /** Name and true priority of the asset at this path of a project, if it is one. */
  asset?: (project: string, path: string) => { name: string, priority: number } | undefined
  /** Changes an asset's sidecar under its lock (render statistics go there). */
  updateAsset?: UpdateAsset
  /** The render statistics in an asset's sidecar (earlier renders size the first runs of a job). */
  assetStats?: (project: string, path: string) => RenderStats | undefined
  /** Libraries and render settings of a .blend (the server's cache of them; the reader itself by default). Throws BlendFileError for a file that is no .blend. */
  blendFacts?: (abs: string) => Promise<BlendFacts>
  /** Records a render of an asset in the asset's history (asset-history.ts); never throws. */
  history?: (project: string, asset: string, event: NewEvent) => void
  /** A job completed, failed or was cancelled (the notifier tells whoever started it). */
  jobEnded?: (job: Job) => void
  /** The tag of a rendered asset's picture (its latest preview), or undefined when it has none any more. */
  renderedPicture?: (project: string, asset: string, tag: string | undefined) => void
  /** Live updates for open pages. */
  emit?: (change: { project: string, kind: 'job' | 'node', path?: string }) => void
  /** Lists a farm file that could not be read, for staff (the problems list); without it, the farm logs it. */
  problem?: (file: string, reason: string) => void
  log: FarmLog
  clock?: Clock
  random?: () => number
  newId?: () => string
}

/** The farm's dependencies from the running server. */
export function farmDepsFromApp (app: FastifyInstance): FarmDeps {
  const { config, workspace } = app.rfam
  return {
    farmDir: config.farmDir,
    secretsDir: config.secretsDir,
    settings: config.farm,
    resolveNamedPath: (named) => config.shares.resolve(named),
    project: (ident) => {
      const p = workspace.projects.get(ident)
      return p ? { directory: p.directory, renderPriority: p.renderPriority, ...(p.blenderVersion ? { blenderVersion: p.blenderVersion } : {}) } : undefined
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
    blendFacts: (abs) => workspace.linkCache.facts(abs),
    history: (project, asset, event) => {
      try {
        workspace.store(project).history.record(asset, [event]).catch((err) => app.log.warn({ err, project, asset }, 'a render could not be written into the asset\'s history'))
      } catch { /* the project is gone */ }
    },
    jobEnded: (job) => { app.rfam.notifier.jobEnded(job) },
    renderedPicture: (project, asset, tag) => {
      try { workspace.store(project).setRenderedPicture(asset, tag) } catch { /* the project is gone */ }
    },
    emit: (change) => { workspace.emit('change', change) },
    problem: (file, reason) => { workspace.problems.set({ kind: 'farm', file: shownPath(config, file), reason }) },
    log: farmLog(app.log.child({ component: 'farm' })),
  }
}

/**
 * The farm's own log object, passing every call to `log` (Fastify's logger, which without logging
 * is one object shared by every instance in the process): a test may replace its methods.
 */
function farmLog (log: FarmLog): FarmLog {
  return { info: (fields, msg) => log.info(fields, msg), warn: (fields, msg) => log.warn(fields, msg), error: (fields, msg) => log.error(fields, msg) }
}
