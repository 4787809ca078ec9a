// Who is told what (issue 12: "told when it matters"). It hears every event this server records in an
// asset's history (notes, changes) and every job of the farm that ends, works out who should know,
// writes one notification into each of their files (notification-file.ts) and then emits
// 'notification' ({ project, user, notification }) for their open pages (routes/api/events.ts).
//
// - render-done / render-failed: whoever started the job (not automatic renders; a cancelled job tells
//   nobody: someone cancelled it on purpose).
// - mentioned: each member named as @ident in a note (the note's mentions are members already).
// - asked-to-help: each person someone else added to an asset's helpers.
// - needed-asset-usable: an asset moved from a state others wait for (a boosting state) to one they do
//   not; the owner and helpers of each asset that depends on it are told, once per such asset.
// Whoever caused it is never told, nor anyone outside the project.
//
// Events written by another server on the same share reach this one only as "the file changed": that
// server tells its own people (each server notifies what it records).
import { EventEmitter } from 'node:events'
import type { HistoryEvent, Job, Notification, NotificationKind } from '../../schemas/generated/types.ts'
import { say, type Said } from '../../common/sentences.ts'
import { eventId } from '../store/asset-history.ts'
import type { ProjectStore } from '../store/project-store.ts'
import type { Workspace } from '../store/workspace.ts'
import { addNotification, markRead, notificationFile, readNotificationFile } from './notification-file.ts'

export interface Delivered { project: string, user: string, notification: Notification }

/** One notification to make: for whom, about what. */
interface Wanted { user: string, kind: NotificationKind, path: string, by: string, said: Said, job?: string, need?: string }

export interface NotificationQuery { asset?: string, limit?: number }

export class Notifier extends EventEmitter {
  /** Writes one after the other, in the order things happened. */
  private chain: Promise<void> = Promise.resolve()
  private closed = false

  constructor (private readonly workspace: Workspace, private readonly usersDir: string, private readonly log: (fields: object, msg: string) => void = () => {}) {
    super()
    workspace.on('recorded', ({ project, path, events }: { project: string, path: string, events: HistoryEvent[] }) => {
      this.queue(project, this.fromHistory(project, path, events))
    })
  }

  /** A job ended (the farm's hook): its starter hears of a finished or failed render. */
  jobEnded (job: Job): void {
    if (job.auto || !job.createdBy || (job.status !== 'completed' && job.status !== 'failed')) return
    const path = job.asset ?? job.file.slice(job.file.indexOf('::') + 2)
    const asset = job.asset ? this.assetName(job.project, job.asset) : job.name
    const said = job.status === 'completed'
      ? say('notify:render-done', { render: job.name, asset })
      : say('notify:render-failed', { render: job.name, asset })
    const kind = job.status === 'completed' ? 'render-done' : 'render-failed'
    this.queue(job.project, [{ user: job.createdBy, kind, path, by: 'farm', said, job: job.id }])
  }

  /** One person's notifications in a project, newest first, with the unread count. */
  async list (user: string, project: string, query: NotificationQuery = {}): Promise<{ notifications: Notification[], unread: number, more: boolean }> {
    const { notifications } = await readNotificationFile(notificationFile(this.usersDir, user, project))
    const { asset } = query
    const mine = asset === undefined ? notifications : notifications.filter((n) => n.path === asset || n.need === asset)
    const limit = query.limit ?? 50
    return { notifications: mine.slice(0, limit), unread: mine.filter((n) => !n.read).length, more: mine.length > limit }
  }

  markRead (user: string, project: string, which: string[] | 'all'): Promise<void> {
    return markRead(notificationFile(this.usersDir, user, project), which)
  }

  private fromHistory (project: string, path: string, events: HistoryEvent[]): Wanted[] {
    const out: Wanted[] = []
    const asset = this.assetName(project, path)
    for (const e of events) {
      if (e.kind === 'note') {
        for (const user of e.mentions ?? []) out.push({ user, kind: 'mentioned', path, by: e.by, said: say('notify:mentioned', { who: this.personName(e.by), asset }) })
      } else if (e.kind === 'helpers') {
        const before = new Set(Array.isArray(e.from) ? e.from : [])
        for (const user of Array.isArray(e.to) ? e.to : []) {
          if (!before.has(user)) out.push({ user, kind: 'asked-to-help', path, by: e.by, said: say('notify:asked-to-help', { who: this.personName(e.by), asset }) })
        }
      } else if (e.kind === 'state') {
        out.push(...this.becameUsable(project, path, e))
      }
    }
    return out
  }

  /** The owners and helpers of the assets that need this one, when it left the states they wait for. */
  private becameUsable (project: string, path: string, e: HistoryEvent): Wanted[] {
    const store = this.storeOf(project)
    if (!store || typeof e.to !== 'string') return []
    const states = store.defaults().states
    const to = states.get(e.to)
    const from = typeof e.from === 'string' ? states.get(e.from) : undefined
    if (!to || to.boost || (from && !from.boost)) return []
    const out: Wanted[] = []
    const asset = this.assetName(project, path)
    const state = to.name
    let dependents: readonly string[] = []
    try { dependents = store.get(path).dependents } catch { return [] }
    for (const need of dependents) {
      let meta
      try { meta = store.get(need).meta } catch { continue }
      if (!meta) continue
      const people = new Set([meta.owner, ...meta.support ?? []].filter((p): p is string => typeof p === 'string'))
      // stateKey: the reader's language names the state (the name here is the defaults set's, in English).
      const said = say('notify:needed-asset-usable', { asset, state, stateKey: `state:${e.to}`, need: meta.name })
      for (const user of people) out.push({ user, kind: 'needed-asset-usable', path, need, by: e.by, said })
    }
    return out
  }

  /** Resolves once every notification asked for so far is written (and told to open pages). */
  idle (): Promise<void> { return this.chain }

  /** Takes nothing new, and resolves once what was asked for before is written (the server is stopping). */
  close (): Promise<void> {
    this.closed = true
    return this.chain
  }

  private queue (project: string, wanted: Wanted[]): void {
    if (wanted.length === 0 || this.closed) return
    this.chain = this.chain.then(() => this.send(project, wanted)).catch((err: unknown) => this.log({ err, project }, 'notifications could not be sent'))
  }

  /** Writes each wanted notification (never for its cause, never outside the project), then tells the pages. */
  private async send (project: string, wanted: Wanted[]): Promise<void> {
    const members = new Set(this.workspace.members(project).map((u) => u.ident))
    const at = new Date().toISOString()
    for (const w of wanted) {
      if (w.user === w.by || !members.has(w.user)) continue
      const extra = { ...(w.job ? { job: w.job } : {}), ...(w.need ? { need: w.need } : {}) }
      const notification: Notification = { id: eventId(), kind: w.kind, project, path: w.path, by: w.by, at, message: w.said.text, sentence: w.said.sentence, ...extra }
      try {
        await addNotification(notificationFile(this.usersDir, w.user, project), notification)
      } catch (err) {
        this.log({ err, project, user: w.user, kind: w.kind }, 'a notification could not be written')
        continue
      }
      this.emit('notification', { project, user: w.user, notification: { ...notification, read: false } } satisfies Delivered)
    }
  }

  private storeOf (project: string): ProjectStore | undefined {
    try { return this.workspace.store(project) } catch { return undefined }
  }

  private assetName (project: string, path: string): string {
    try { return this.storeOf(project)?.get(path).meta?.name ?? path } catch { return path }
  }

  private personName (ident: string): string { return this.workspace.users.get(ident)?.name ?? ident }
}
