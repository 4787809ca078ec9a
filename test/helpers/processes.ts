// Real processes for tests: render nodes, prenodes and single-use nodes as their own processes
// (`node --import tsx <main.ts>`), their output collected line by line, stopped at teardown. They
// log JSON lines (RFAM_LOG_FORMAT=json, whatever the test's own terminal): `logs` holds them
// parsed, and waitForLog finds an event by its fields (helpers/logs.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { lineSplitter, logMatches, parseLogLine, type LogEntry, type LogPattern } from './logs.ts'

interface Tap { teardown: (fn: () => unknown) => void }

export interface Proc {
  proc: ChildProcess
  lines: string[]
  /** The lines that are log entries, parsed. */
  logs: LogEntry[]
  /** Resolves with the first line (seen so far or later) matching `re` (plain output: usage, scripts). */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
  /** Resolves with the first log entry (seen so far or later) whose fields match. */
  waitForLog: (pattern: LogPattern, timeoutMs?: number) => Promise<LogEntry>
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop: () => Promise<number | null>
}

/** Runs `main` (a path inside the repository) with node and tsx. */
export function startTs (t: Tap, main: string, args: string[], options: { label: string, cwd?: string, env?: NodeJS.ProcessEnv }): Proc {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, main), ...args], {
    cwd: options.cwd ?? repoRoot, env: { ...process.env, RFAM_LOG_FORMAT: 'json', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const logs: LogEntry[] = []
  const waiters: Array<{ test: (line: string, entry: LogEntry | null) => boolean }> = []
  const onLine = (line: string) => {
    lines.push(line)
    const entry = parseLogLine(line)
    if (entry) logs.push(entry)
    if (process.env.RFAM_TEST_VERBOSE) console.error(`[${options.label}] ${line}`)
    for (const w of [...waiters]) if (w.test(line, entry)) waiters.splice(waiters.indexOf(w), 1)
  }
  proc.stdout!.on('data', lineSplitter(onLine))
  proc.stderr!.on('data', lineSplitter(onLine))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    return proc.exitCode
  }
  t.teardown(stop)
  /** The first line (or entry) `find` accepts, now or later. */
  const waitUntil = <T>(what: string, find: (line: string, entry: LogEntry | null) => T | null, timeoutMs: number): Promise<T> => {
    for (const line of lines) { const found = find(line, parseLogLine(line)); if (found) return Promise.resolve(found) }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.label}: no ${what} within ${timeoutMs} ms. Log:\n${lines.join('\n')}`)), timeoutMs)
      waiters.push({ test: (line, entry) => { const found = find(line, entry); if (found) { clearTimeout(timer); resolve(found) } return Boolean(found) } })
    })
  }
  return {
    proc,
    lines,
    logs,
    exited,
    stop,
    waitFor: (re, timeoutMs = 120_000) => waitUntil(`line matching ${re}`, (line) => line.match(re), timeoutMs),
    waitForLog: (pattern, timeoutMs = 120_000) => waitUntil(`log entry like ${JSON.stringify(pattern, (_k, v: unknown) => v instanceof RegExp ? String(v) : v)}`, (_line, entry) => entry && logMatches(entry, pattern) ? entry : null, timeoutMs),
  }
}
