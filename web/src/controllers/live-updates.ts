// Live updates: one EventSource per project on /api/projects/:project/events, shared by every component
// that listens. The server sends a `change` event ({kind, path?}) whenever anything in the project changes
// (a browser, Blender or a file edited on disk); listeners get the changes of a short window at once, so a
// burst of edits costs one reload. After a lost connection comes back, listeners get a 'reconnect' change
// because events may have been missed meanwhile.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { urls } from '../api/urls.ts'
import { appState } from '../state/app-state.ts'

export interface Change {
  /** 'asset', 'project', 'members', 'job', 'node', 'problems' (damaged files), 'notification' (one of mine); 'reconnect' after a lost connection came back. */
  kind: string
  path?: string
}

interface ChangeMessage { changes?: Change[], more?: boolean }

type Listener = (changes: Change[]) => void
type StatusListener = (status: LiveStatus) => void
export type LiveStatus = 'connecting' | 'live' | 'offline'

/** How long events are gathered before listeners are called: small next to the 1 s promise. */
const batchMs = 60

class ProjectStream {
  status: LiveStatus = 'connecting'
  private source?: EventSource
  private readonly listeners = new Set<Listener>()
  private readonly statusListeners = new Set<StatusListener>()
  private pending: Change[] = []
  private timer?: ReturnType<typeof setTimeout>
  private wasOpen = false

  constructor (private readonly project: string) {}

  add (listener: Listener): void {
    this.listeners.add(listener)
    this.open()
  }

  remove (listener: Listener): void {
    this.listeners.delete(listener)
    if (this.listeners.size === 0 && this.statusListeners.size === 0) this.close()
  }

  watchStatus (listener: StatusListener): () => void {
    this.statusListeners.add(listener)
    this.open()
    listener(this.status)
    return () => {
      this.statusListeners.delete(listener)
      if (this.listeners.size === 0 && this.statusListeners.size === 0) this.close()
    }
  }

  private open (): void {
    if (this.source) return
    const source = new EventSource(urls.projectEvents({ project: this.project }))
    this.source = source
    source.addEventListener('open', () => {
      if (this.wasOpen) this.queue({ kind: 'reconnect' })
      this.wasOpen = true
      this.setStatus('live')
    })
    source.addEventListener('error', () => {
      this.setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting')
    })
    source.addEventListener('change', (event) => {
      let message: ChangeMessage
      try { message = JSON.parse((event as MessageEvent<string>).data) as ChangeMessage } catch { message = {} }
      const changes = Array.isArray(message.changes) ? message.changes : []
      // A truncated batch or an unreadable message: treat as "anything may have changed".
      if (message.more || changes.length === 0) this.queue({ kind: 'reconnect' })
      for (const change of changes) this.queue(change)
    })
    // One of the logged-in person's notifications (only theirs are sent): the bell reloads its list.
    source.addEventListener('notification', (event) => {
      let path: string | undefined
      try { path = (JSON.parse((event as MessageEvent<string>).data) as { path?: string }).path } catch { path = undefined }
      this.queue({ kind: 'notification', ...(path ? { path } : {}) })
    })
  }

  private close (): void {
    this.source?.close()
    this.source = undefined
    this.wasOpen = false
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = []
  }

  private setStatus (status: LiveStatus): void {
    this.status = status
    for (const listener of this.statusListeners) listener(status)
  }

  private queue (change: Change): void {
    this.pending.push(change)
    this.timer ??= setTimeout(() => {
      const changes = this.pending
      this.pending = []
      this.timer = undefined
      for (const listener of [...this.listeners]) listener(changes)
    }, batchMs)
  }
}

/** Whether a batch of changes holds one of these kinds (a reconnect counts as anything). */
export function touches (changes: Change[], ...kinds: string[]): boolean {
  return changes.some((c) => c.kind === 'reconnect' || kinds.includes(c.kind))
}

const streams = new Map<string, ProjectStream>()

export function projectStream (project: string): ProjectStream {
  let stream = streams.get(project)
  if (!stream) {
    stream = new ProjectStream(project)
    streams.set(project, stream)
  }
  return stream
}

/**
 * Calls `onChange` while the host is connected, whenever the project (as `project()` returns it at the
 * time) changes.
 */
export class LiveUpdatesController implements ReactiveController {
  private stream?: ProjectStream
  private readonly listener: Listener = (changes) => this.onChange(changes)

  constructor (
    host: ReactiveControllerHost,
    private readonly project: () => string | undefined,
    private readonly onChange: (changes: Change[]) => void
  ) {
    host.addController(this)
  }

  hostConnected (): void {
    const project = this.project()
    if (!project) return
    this.stream = projectStream(project)
    this.stream.add(this.listener)
  }

  hostDisconnected (): void {
    this.stream?.remove(this.listener)
    this.stream = undefined
  }
}

/**
 * The usual live page or panel: reloads `resource` (an ApiController) whenever the logged-in project
 * changes in one of these ways (or the connection comes back).
 */
export function reloadOnChange (host: ReactiveControllerHost, resource: { reload: () => Promise<void> }, ...kinds: string[]): LiveUpdatesController {
  return new LiveUpdatesController(host, () => appState.project, (changes) => {
    if (touches(changes, ...kinds)) void resource.reload()
  })
}
