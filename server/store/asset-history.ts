// One project's notes and history (history-file.ts holds the file format): what is recorded when an
// asset changes, each asset's timeline (newest first), and the project's "what happened today".
//
// Nothing is kept that the files do not hold: the reader caches what it parsed of each file, keyed by
// the file's inode and size, so a timeline is read again only when its file changed. 'Today' looks at
// the history files the asset index saw (one stat each; only files changed since the start of the day
// are read) and is kept until a history changes (this server's appends, the watcher's news) or for
// TODAY_KEEP_MS at most (a network share's watcher misses other machines' writes): measured at 1,000
// files in test/bench/notes.bench.ts.
import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Asset, HistoryEvent } from '../../schemas/generated/types.ts'
import { mapAtMost } from '../../common/map-at-most.ts'
import { withFileLock } from './file-lock.ts'
import { appendEvents, HISTORY_SUFFIX, HistoryReader, NOTES_SUFFIX, type FileMark, type UnreadableLine } from './history-file.ts'

export { HISTORY_SUFFIX, NOTES_SUFFIX }

/** An event before it is stamped with its id and time. */
export type NewEvent = Omit<HistoryEvent, 'id' | 'at'>

export interface Timeline {
  /** Newest first. */
  events: HistoryEvent[]
  unreadable: UnreadableLine[]
  more: boolean
  /** How many events (of the kind asked for) there are in all. */
  total: number
}

export interface TodayItem { path: string, event: HistoryEvent }

/** How many files 'today' looks at at once. */
const PARALLEL = 32
/** How long 'today' is kept when no history changed meanwhile. */
const TODAY_KEEP_MS = 15_000
/** How long this server remembers events of assets it moved to old/ (their file went with them). */
const GONE_MS = 3 * 24 * 3600 * 1000

/** A random event id: 16 characters, so two servers never make the same one. */
export function eventId (): string { return randomBytes(12).toString('base64url') }

export function stamp (event: NewEvent, at = new Date()): HistoryEvent {
  return { id: eventId(), at: at.toISOString(), ...event }
}

const sameList = (a: string[] | undefined, b: string[] | undefined) => JSON.stringify([...a ?? []].sort()) === JSON.stringify([...b ?? []].sort())

/** The events a change of an asset makes: one for each field people care about that changed. */
export function fieldEvents (before: Asset, after: Asset, by: string): NewEvent[] {
  const out: NewEvent[] = []
  const field = (kind: NewEvent['kind'], from: HistoryEvent['from'], to: HistoryEvent['to']) => {
    if (from !== to) out.push({ by, kind, from, to })
  }
  field('name', before.name, after.name)
  field('description', before.description ?? '', after.description ?? '')
  field('type', before.type, after.type)
  field('state', before.state, after.state)
  field('owner', before.owner ?? null, after.owner ?? null)
  field('priority', before.priority, after.priority)
  if (!sameList(before.support, after.support)) out.push({ by, kind: 'helpers', from: before.support ?? [], to: after.support ?? [] })
  if (!sameList(before.dependencies, after.dependencies)) out.push({ by, kind: 'dependencies', from: before.dependencies ?? [], to: after.dependencies ?? [] })
  return out
}

/** Newest first: by time, and of two at the same time, the later line first. */
function newestFirst<T extends { event: HistoryEvent }> (items: T[]): T[] {
  const keyed = items.map((item, i) => ({ item, i, t: Date.parse(item.event.at) || 0 }))
  keyed.sort((a, b) => b.t - a.t || b.i - a.i)
  return keyed.map((k) => k.item)
}

export class AssetHistory extends EventEmitter {
  private readonly reader: HistoryReader
  /** Each file as this server last wrote or saw it: a watcher's news of that is no news. */
  private readonly marks = new Map<string, FileMark>()
  /** Events of assets this server moved to old/ lately (their file went with them), for 'today'. */
  private gone: TodayItem[] = []
  /** Counts the changes of any history: 'today' is worked out again after one. */
  private version = 0
  private todayCache?: { since: number, limit: number, version: number, at: number, result: Promise<{ items: TodayItem[], more: boolean }> }

  /**
   * `lockOf`: the lock file of an asset (its sidecar's: one lock for everything of an asset);
   * `known`: the assets whose history file the index saw on disk.
   */
  constructor (readonly root: string, private readonly lockOf: (path: string) => string, private readonly known: () => Iterable<string>, reader = new HistoryReader()) {
    super()
    this.reader = reader
  }

  fileOf (path: string): string { return join(this.root, path + HISTORY_SUFFIX) }

  /** Appends events to an asset's history; the caller holds the asset's lock. Emits 'change' and 'appended' (path, events). */
  async appendLocked (path: string, events: NewEvent[], at = new Date()): Promise<HistoryEvent[]> {
    if (events.length === 0) return []
    const stamped = events.map((e) => stamp(e, at))
    this.marks.set(path, await appendEvents(this.fileOf(path), stamped))
    this.version++
    this.emit('change', path)
    // Who should hear of it (server/notify/notifier.ts, through the workspace).
    this.emit('appended', path, stamped)
    return stamped
  }

  /**
   * appendLocked() for a change that is done already (a sidecar saved, a copy made): a line that
   * cannot be written (a disk that filled up just then) does not turn the done change into an error;
   * it is reported as a 'lost' event (the workspace logs it) and the rest goes on.
   */
  async appendAfter (path: string, events: NewEvent[]): Promise<HistoryEvent[]> {
    try {
      return await this.appendLocked(path, events)
    } catch (err) {
      this.emit('lost', { path, events, err })
      return []
    }
  }

  /** Appends events to an asset's history under its lock. */
  record (path: string, events: NewEvent[]): Promise<HistoryEvent[]> {
    return withFileLock(this.lockOf(path), () => this.appendLocked(path, events))
  }

  /** The asset's timeline: every event (or only notes), newest first, at most `limit`. */
  async timeline (path: string, options: { kind?: 'note', limit?: number } = {}): Promise<Timeline> {
    const { events, unreadable, cut } = await this.reader.read(this.fileOf(path))
    const chosen = options.kind ? events.filter((e) => e.kind === options.kind) : events
    const sorted = newestFirst(chosen.map((event) => ({ event }))).map((x) => x.event)
    const limit = options.limit ?? 2000
    return { events: sorted.slice(0, limit), unreadable: unreadable.slice(0, 1000), more: sorted.length > limit || cut, total: sorted.length }
  }

  /** The watcher saw the file change: tells pages, unless it is this server's own write. */
  async changedOnDisk (path: string): Promise<void> {
    const s = await stat(this.fileOf(path)).catch(() => undefined)
    const mark = this.marks.get(path)
    if (s && mark && mark.ino === s.ino && mark.size === s.size) return
    if (s) this.marks.set(path, { ino: s.ino, size: s.size })
    else this.marks.delete(path)
    this.version++
    this.emit('change', path)
  }

  /** The asset went to old/ with its history: its latest events stay in 'today' on this server. */
  movedAway (path: string, last: HistoryEvent[]): void {
    this.reader.forget(this.fileOf(path))
    this.marks.delete(path)
    const now = Date.now()
    this.gone = [...this.gone.filter((g) => now - (Date.parse(g.event.at) || 0) < GONE_MS), ...last.map((event) => ({ path, event }))]
    this.version++
  }

  /** What happened since `since` (ms), over every asset, newest first, at most `limit`. */
  today (since: number, limit = 500): Promise<{ items: TodayItem[], more: boolean }> {
    const c = this.todayCache
    if (c && c.since === since && c.limit === limit && c.version === this.version && Date.now() - c.at < TODAY_KEEP_MS) return c.result
    const result = this.workOutToday(since, limit)
    this.todayCache = { since, limit, version: this.version, at: Date.now(), result }
    result.catch(() => { if (this.todayCache?.result === result) this.todayCache = undefined })
    return result
  }

  private async workOutToday (since: number, limit: number): Promise<{ items: TodayItem[], more: boolean }> {
    const paths = [...new Set([...this.known(), ...this.marks.keys()])]
    const items: TodayItem[] = this.gone.filter((g) => Date.parse(g.event.at) >= since)
    await mapAtMost(paths, PARALLEL, async (path) => {
      const file = this.fileOf(path)
      const s = await stat(file).catch(() => undefined)
      if (!s || s.mtimeMs < since) return
      const { events } = await this.reader.read(file, s).catch(() => ({ events: [] as HistoryEvent[] }))
      for (const event of events) if (Date.parse(event.at) >= since) items.push({ path, event })
    })
    const sorted = newestFirst(items)
    return { items: sorted.slice(0, limit), more: sorted.length > limit }
  }
}

const MENTION = /(^|[^\p{L}\p{N}_@.-])@([a-z0-9][a-z0-9_-]{0,63})/giu

/** The people of the project named as '@ident' in a note's text (anyone else's '@name' stays text). */
export function mentionsIn (text: string, members: ReadonlySet<string>): string[] {
  const found = new Set<string>()
  for (const m of text.matchAll(MENTION)) {
    const word = m[2]!.toLowerCase()
    const ident = members.has(word) ? word : word.replace(/[-_]+$/, '')
    if (members.has(ident)) found.add(ident)
  }
  return [...found].slice(0, 50)
}
