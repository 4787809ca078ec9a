// An asset's history file: '<file>.history.jsonl' beside its sidecar, one event per line (notes,
// changes, renders, checkpoints: history-event.schema.json), only ever appended to.
//
// Why one append-only file per asset: the disk stays the truth (the file travels with the asset when
// it is moved to old/ and is backed up with it), lines are never rewritten, so a line someone broke by
// hand is kept as it is (shown as unreadable, never dropped by the next append), and two copies of
// the file (a second server's, a sync tool's) merge by putting their lines together: events carry
// random ids, so a line present in both is one event.
//
// Appending is done under the asset's lock (the lock of its sidecar, file-lock.ts), which works
// across processes and machines where O_APPEND alone does not (NFS appends at the size the client
// last saw). Each write is on disk when it returns (O_DSYNC) and whole: a write cut short (a full
// disk) is cut off again, and a file whose last line lacks its newline (edited by hand, a writer
// killed mid-line) gets one first, so a new event never sticks to a broken line.
import { constants, type Stats } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { HistoryEvent } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { syncDirectory } from '../../common/atomic-write.ts'
import { asDiskFull } from '../../common/disk-full.ts'

export const HISTORY_SUFFIX = '.history.jsonl'
/** The folder of an asset's note pictures: '<file>.notes/'. */
export const NOTES_SUFFIX = '.notes'
/** Larger files are read from their last this-many bytes (a summer school writes well under 1 MB an asset). */
export const MAX_READ_BYTES = 16 * 1024 * 1024

const DSYNC = constants.O_DSYNC ?? 0
const FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | DSYNC
const NEWLINE = 0x0a

export interface UnreadableLine { line: number, reason: string }

/** What a file holds: its events in file order (each id once), and the lines that are none. */
export interface ParsedHistory {
  events: HistoryEvent[]
  unreadable: UnreadableLine[]
}

/** Which file and how much of it: appends keep the inode and grow the size. */
export interface FileMark { ino: number, size: number }

/**
 * Appends events to the file (made when missing, with `mode`). The caller holds the asset's lock
 * (notification-file.ts appends its lines with it too). Returns the
 * file's inode and size after the write, so a watcher's news of this very write can be told apart.
 */
export async function appendEvents (file: string, events: readonly object[], mode = 0o644): Promise<FileMark> {
  let data = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''))
  let handle
  try {
    handle = await open(file, FLAGS, mode)
  } catch (err) {
    throw asDiskFull(err, file)
  }
  try {
    const before = await handle.stat()
    if (before.size > 0) {
      const last = Buffer.alloc(1)
      await handle.read(last, 0, 1, before.size - 1)
      if (last[0] !== NEWLINE) data = Buffer.concat([Buffer.from('\n'), data])
    }
    let at = 0
    try {
      while (at < data.length) {
        const { bytesWritten } = await handle.write(data, at, data.length - at)
        if (bytesWritten <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
        at += bytesWritten
      }
      if (!DSYNC) await handle.datasync()
    } catch (err) {
      // No half line stays behind to glue the next event to.
      await handle.truncate(before.size).catch(() => {})
      throw asDiskFull(err, file)
    }
    // A new file's name must be on disk too, not only its bytes.
    if (before.size === 0) await syncDirectory(dirname(file)).catch(() => {})
    return { ino: before.ino, size: before.size + data.length }
  } finally {
    await handle.close()
  }
}

const MAX_REASON = 300

/** Why a line is not an event, without quoting it (a file edited by hand may hold anything). */
function lineProblem (text: string): { event?: HistoryEvent, reason?: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { reason: 'It is not a JSON line: the file was edited by hand or a write was cut short.' }
  }
  const problem = validator().check('history-event.schema.json', data, { quote: false })
  if (problem) return { reason: `It is not a history event: ${problem}`.slice(0, MAX_REASON) }
  return { event: data as HistoryEvent }
}

/**
 * Parses whole lines (`text` holds no partial last line), numbering them from `firstLine`. Events
 * whose id came before (in `seen`) are left out: a merged copy of the same event.
 */
export function parseLines (text: string, firstLine: number, seen: Set<string>, into: ParsedHistory): number {
  let line = firstLine
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const raw = text.slice(start, end).trim()
    if (raw !== '') {
      const { event, reason } = lineProblem(raw)
      if (event && !seen.has(event.id)) { seen.add(event.id); into.events.push(event) }
      if (reason) into.unreadable.push({ line, reason })
    }
    start = end + 1
    line++
  }
  return line
}

interface Cached extends ParsedHistory, FileMark {
  /** Bytes of whole lines parsed (the partial last line, if any, is read again each time). */
  parsed: number
  /** Number of the next line after the parsed part. */
  nextLine: number
  seen: Set<string>
  /** The file was larger than MAX_READ_BYTES: only its end was read. */
  cut: boolean
  mtimeMs: number
}

export interface HistoryRead extends ParsedHistory {
  /** Only the file's last MAX_READ_BYTES were read. */
  cut: boolean
  mtimeMs: number
}

/**
 * Reads history files, keeping what it parsed: a file that only grew (appends) is read from where
 * the last reading stopped; a replaced or shrunk one (merged by a sync tool, restored) again whole.
 */
export class HistoryReader {
  private readonly cache = new Map<string, Cached>()

  constructor (private readonly maxFiles = 5000, private readonly maxBytes = MAX_READ_BYTES) {}

  /** The file's events and unreadable lines; empty when it does not exist. `known`: a stat just made. */
  async read (file: string, known?: Stats): Promise<HistoryRead> {
    const s = known ?? await stat(file).catch(() => undefined)
    if (!s?.isFile()) {
      this.cache.delete(file)
      return { events: [], unreadable: [], cut: false, mtimeMs: 0 }
    }
    let c = this.cache.get(file)
    if (!c || c.ino !== s.ino || c.size !== s.size || c.mtimeMs !== s.mtimeMs) {
      // Grown in place: only appended to. Anything else (replaced, shrunk, same size but touched): whole.
      const grown = c && c.ino === s.ino && s.size > c.size && !c.cut
      if (!c || !grown) c = this.fresh(s.ino)
      await this.readFrom(file, c, s.size)
      c.mtimeMs = s.mtimeMs
    }
    this.remember(file, c)
    const partial = c.size > c.parsed
    return {
      events: c.events,
      unreadable: partial ? [...c.unreadable, { line: c.nextLine, reason: 'The last line is not finished: a write was cut short, or another server is writing it right now.' }] : c.unreadable,
      cut: c.cut,
      mtimeMs: s.mtimeMs,
    }
  }

  /** Forgets a file (moved away). */
  forget (file: string): void { this.cache.delete(file) }

  private fresh (ino: number): Cached {
    return { ino, size: 0, parsed: 0, nextLine: 1, events: [], unreadable: [], seen: new Set(), cut: false, mtimeMs: -1 }
  }

  private async readFrom (file: string, c: Cached, size: number): Promise<void> {
    let from = c.parsed
    if (from === 0 && size > this.maxBytes) { from = size - this.maxBytes; c.cut = true }
    const handle = await open(file, 'r')
    let text: string
    try {
      const buffer = Buffer.alloc(size - from)
      let got = 0
      while (got < buffer.length) {
        const { bytesRead } = await handle.read(buffer, got, buffer.length - got, from + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      let whole = buffer.lastIndexOf(NEWLINE, got - 1) + 1
      // A cut file starts mid-line: that first piece is not a line of its own.
      let skip = 0
      if (c.cut && from > 0 && c.parsed === 0) skip = buffer.indexOf(NEWLINE) + 1
      if (whole < skip) whole = skip
      text = buffer.toString('utf8', skip, whole)
      c.nextLine = parseLines(text, c.nextLine, c.seen, c)
      c.parsed = from + whole
      c.size = from + got
    } finally {
      await handle.close()
    }
  }

  private remember (file: string, c: Cached): void {
    this.cache.delete(file)
    this.cache.set(file, c)
    if (this.cache.size > this.maxFiles) this.cache.delete(this.cache.keys().next().value!)
  }
}
