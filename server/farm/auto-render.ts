// Automatic renders: when the .blend of an asset whose state has `render` set changes on disk,
// a low-priority job (the state's renderPriority) renders its remembered frame range (frame 1
// when it has none), so a broken shot is found the same day. A newer change replaces an auto
// job that has not finished. Only the file's modification time counts: the farm writing render
// statistics into the sidecar is not a change. Off with farmSettings.autoRender = false.
import type { AssetView } from '../../schemas/generated/types.ts'
import type { Workspace, ProjectChange } from '../store/workspace.ts'
import type { Clock } from './clock.ts'
import type { Farm, FarmLog } from './farm.ts'
import { AUTO_RENDER, isFinished } from './job-states.ts'

/** Saving a file often shows as several changes: wait this long for quiet before rendering. */
export const AUTO_RENDER_QUIET_MS = 5000

export class AutoRender {
  /** Last known modification time of each asset's file ("project\0path"). */
  private readonly seen = new Map<string, string>()
  private readonly timers = new Map<string, unknown>()
  private readonly onChange = (change: ProjectChange) => { this.changed(change) }

  constructor (private readonly farm: Farm, private readonly workspace: Workspace, private readonly clock: Clock, private readonly log: FarmLog) {}

  start (): void {
    for (const store of this.workspace.allStores()) {
      for (const view of store.views().byPath.values()) this.remember(store.ident, view)
    }
    this.workspace.on('change', this.onChange)
  }

  stop (): void {
    this.workspace.off('change', this.onChange)
    for (const t of this.timers.values()) this.clock.clearTimeout(t)
    this.timers.clear()
  }

  private remember (project: string, view: AssetView): string | undefined {
    const modified = view.file?.modified
    if (modified) this.seen.set(`${project}\0${view.path}`, modified)
    return modified
  }

  private view (project: string, path: string): AssetView | undefined {
    try {
      return this.workspace.store(project).get(path)
    } catch {
      return undefined
    }
  }

  private changed (change: ProjectChange): void {
    if (change.kind !== 'asset' || !change.path || !change.path.toLowerCase().endsWith('.blend')) return
    const key = `${change.project}\0${change.path}`
    const before = this.seen.get(key)
    const view = this.view(change.project, change.path)
    if (!view) return
    const now = this.remember(change.project, view)
    // A new asset (never seen) or an unchanged file (only its sidecar moved): nothing to render.
    if (before === undefined || now === undefined || now === before) return
    const old = this.timers.get(key)
    if (old !== undefined) this.clock.clearTimeout(old)
    this.timers.set(key, this.clock.setTimeout(() => {
      this.timers.delete(key)
      void this.render(change.project, change.path!).catch((err: unknown) => {
        this.log.warn({ project: change.project, file: change.path, err }, 'automatic render not started')
      })
    }, AUTO_RENDER_QUIET_MS))
  }

  private async render (project: string, path: string): Promise<void> {
    const view = this.view(project, path)
    const meta = view?.meta
    if (!view || !meta || !view.file?.exists) return
    const state = this.workspace.store(project).defaults().states.get(meta.state)
    if (!state?.render) return
    for (const job of this.farm.listJobs(project)) {
      if (job.auto && job.path === path && !isFinished(job.status)) await this.farm.removeJob(project, job.id, AUTO_RENDER)
    }
    const start = meta.frameStart ?? 1
    const end = meta.frameEnd !== undefined && meta.frameEnd >= start ? meta.frameEnd : start
    const job = await this.farm.createJob(project, { file: path, frameStart: start, frameEnd: end, priority: state.renderPriority, name: `${meta.name} (automatic)` }, { by: 'auto', auto: true })
    this.log.info({ job: job.id, project, file: path, state: meta.state, frameStart: start, frameEnd: end }, 'automatic render: the file changed in a state that renders')
  }
}
