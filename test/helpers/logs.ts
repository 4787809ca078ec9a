// Reading what RFAM's programs log (common/log.ts): one JSON object per line, each with `level`,
// `msg` and its fields (job, tasks, node, frames, project …). Tests find events by their fields,
// never by the wording of a sentence: logMatches({ msg: 'rendering', jobName: 'slow' }).
// keptLog() is a log for code under test in this process, keeping what it is told.
import type { Log } from '../../common/log.ts'

export interface LogEntry {
  level: string
  msg: string
  [field: string]: unknown
}

/** A field's wanted value: equal to it (arrays and objects: the same JSON), or a RegExp its text matches. */
export type LogPattern = Record<string, unknown>

/** The entry a line holds, or null for a line that is not one (plain text, half a line). */
export function parseLogLine (line: string): LogEntry | null {
  if (!line.startsWith('{')) return null
  try {
    const entry = JSON.parse(line) as LogEntry
    return typeof entry === 'object' && entry !== null && typeof entry.msg === 'string' ? entry : null
  } catch {
    return null
  }
}

export function logMatches (entry: LogEntry, pattern: LogPattern): boolean {
  return Object.entries(pattern).every(([key, want]) => {
    const value = entry[key]
    if (want instanceof RegExp) return value !== undefined && want.test(typeof value === 'string' ? value : JSON.stringify(value))
    if (typeof want === 'object' && want !== null) return JSON.stringify(value) === JSON.stringify(want)
    return value === want
  })
}

/** Splits a stream's chunks into whole lines (a chunk may end in the middle of one). */
export function lineSplitter (onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let rest = ''
  return (chunk) => {
    const parts = (rest + chunk.toString()).split('\n')
    rest = parts.pop()!
    for (const line of parts) if (line) onLine(line)
  }
}

/** A log that keeps every entry (with its level), for code running in the test's own process. */
export function keptLog (): { log: Log, entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const at = (level: string) => (fields: object, msg: string) => { entries.push({ ...fields, level, msg }) }
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries }
}
