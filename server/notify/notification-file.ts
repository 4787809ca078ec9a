// One person's notifications in one project: '<users>/notifications/<user>/<project>.jsonl', one
// notification or read mark per line (notification.schema.json).
//
// Why a file of their own, rather than working them out from the assets' histories and the farm's
// journal with a "seen up to" mark: who is told depends on what was true at that moment (who was in
// the project, who owned or helped on the assets that need one, who started a render), which later
// changes would rewrite; the journal forgets old jobs; and listing one person's bell would mean
// reading every history of the project. A short file per person is read in one go, lives with the
// users (backed up, moved with them), and outlives restarts.
//
// Why append-only with read marks: a new notification and "mark read" never rewrite what is there,
// so a write cut short loses at most its own line, and a line broken by hand is skipped, not fatal.
// Writes take the file's lock (file-lock.ts: two servers on one share wait for each other); when the
// file reaches MAX_LINES it is rewritten atomically with the newest KEEP notifications, their read
// state folded in, so it stays small however long the summer school runs.
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Notification, NotificationReadMark } from '../../schemas/generated/types.ts'
import { validator } from '../../schemas/validator.ts'
import { writeFileAtomic } from '../../common/atomic-write.ts'
import { withFileLock } from '../store/file-lock.ts'
import { appendEvents } from '../store/history-file.ts'

/** A file this long is rewritten with the newest KEEP notifications. */
export const MAX_LINES = 400
export const KEEP = 200
/** Only people's files: 0o600, like their user files. */
const MODE = 0o600

export interface NotificationFileRead {
  /** Newest first, each with `read`. */
  notifications: Notification[]
  /** Lines in the file (read marks and broken lines included). */
  lines: number
  /** Lines that were neither a notification nor a read mark (left out). */
  broken: number
}

/** The file of one person's notifications in one project. */
export function notificationFile (usersDir: string, user: string, project: string): string {
  return join(usersDir, 'notifications', user, `${project}.jsonl`)
}

/** Reads the file (an absent file has none); lines that are neither kind are counted and skipped. */
export async function readNotificationFile (file: string): Promise<NotificationFileRead> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { notifications: [], lines: 0, broken: 0 }
    throw err
  }
  const byId = new Map<string, Notification>()
  let lines = 0
  let broken = 0
  const check = validator()
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue
    lines++
    let data: unknown
    try { data = JSON.parse(raw) } catch { broken++; continue }
    if (check.check('notification.schema.json', data, { quote: false }) === null) {
      const n = data as Notification
      // A line present twice (a copy merged by a sync tool) is one notification.
      if (!byId.has(n.id)) byId.set(n.id, { ...n, read: n.read ?? false })
    } else if (check.check('notification.schema.json#/$defs/ReadMark', data, { quote: false }) === null) {
      const mark = data as NotificationReadMark
      if (mark.read === 'all') for (const n of byId.values()) n.read = true
      else for (const id of mark.read) { const n = byId.get(id); if (n) n.read = true }
    } else {
      broken++
    }
  }
  // Newest first: by time, and of two at the same time, the later line first.
  const list = [...byId.values()].map((n, i) => ({ n, i, t: Date.parse(n.at) || 0 }))
  list.sort((a, b) => b.t - a.t || b.i - a.i)
  return { notifications: list.map((x) => x.n), lines, broken }
}

/** Appends lines under the file's lock; a file grown to MAX_LINES is rewritten with the newest KEEP. */
async function appendLines (file: string, lines: object[]): Promise<void> {
  await withFileLock(file, async () => {
    const current = await readNotificationFile(file)
    if (current.lines + lines.length < MAX_LINES) {
      if (current.lines === 0) await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      await appendEvents(file, lines, MODE)
      return
    }
    // Fold the new lines in, then keep the newest (oldest lines go first).
    const folded = foldIn(current.notifications, lines)
    const kept = folded.slice(0, KEEP).reverse()
    await writeFileAtomic(file, kept.map((n) => JSON.stringify(n) + '\n').join(''), { mode: MODE })
  })
}

/** The notifications with new lines applied, newest first (as readNotificationFile would give them). */
function foldIn (notifications: Notification[], lines: object[]): Notification[] {
  const out = notifications.map((n) => ({ ...n }))
  for (const line of lines) {
    if ('id' in line) out.unshift({ ...(line as Notification), read: false })
    else {
      const mark = line as NotificationReadMark
      for (const n of out) if (mark.read === 'all' || mark.read.includes(n.id)) n.read = true
    }
  }
  return out.sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0))
}

/** Adds one notification (its file and folder made when missing). */
export function addNotification (file: string, notification: Notification): Promise<void> {
  const { read: _read, ...line } = notification
  return appendLines(file, [line])
}

/** Marks notifications read: the ids given (only those in the file), or all. */
export async function markRead (file: string, which: string[] | 'all', at = new Date()): Promise<void> {
  // Only unread ones of this file: nothing to mark writes nothing (and makes no file).
  const unread = new Set((await readNotificationFile(file)).notifications.filter((n) => !n.read).map((n) => n.id))
  if (which !== 'all') which = which.filter((id) => unread.has(id))
  if (unread.size === 0 || which.length === 0) return
  const mark: NotificationReadMark = { read: which, at: at.toISOString() }
  await appendLines(file, [mark])
}
