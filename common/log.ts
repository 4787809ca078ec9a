// The logs of all three programs (server, render node, prenode): pino, one JSON object per line for
// journald and files, or, when the output is a terminal, one readable line per event (pino-pretty
// with the format below). RFAM_LOG_FORMAT=json or pretty decides instead of the terminal check.
// Farm events carry their ids as fields (job, task or tasks, node, frame or frames, project) and a
// short message that is the same for every event of its kind, so one can follow a job across the
// programs: `jq 'select(.job == "…")'`. Errors go in `err`. docs/deployment.md, "Logs", shows lines.
import { pino, stdTimeFunctions, type DestinationStream, type Logger, type LevelWithSilent } from 'pino'
import pretty from 'pino-pretty'

export type LogLevel = LevelWithSilent
export type LogFormat = 'json' | 'pretty'

/** What code that logs needs: pino's own call, fields first, then a short message. */
export interface Log {
  debug: (fields: object, msg: string) => void
  info: (fields: object, msg: string) => void
  warn: (fields: object, msg: string) => void
  error: (fields: object, msg: string) => void
}

/** Which form lines take: RFAM_LOG_FORMAT says, or else readable when stdout is a terminal. */
export function logFormat (env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  const asked = env.RFAM_LOG_FORMAT?.trim().toLowerCase()
  if (asked === 'json' || asked === 'pretty') return asked
  return stdout.isTTY ? 'pretty' : 'json'
}

export interface LoggerOptions {
  /** The program, in every line (`name`). */
  name: 'server' | 'node' | 'prenode'
  level?: LogLevel
  format?: LogFormat
  /** Where lines go (tests); stdout otherwise. */
  destination?: DestinationStream
  /** Colours in the readable form (default: when the terminal has them). */
  colors?: boolean
}

/**
 * A program's logger. JSON lines have the level as a word ("info") and the time in ISO 8601, so a
 * person reading a file or journalctl needs no tool; `npx pino-pretty` reads them all the same.
 * JSON lines are written asynchronously (a busy farm logs a line per frame: a synchronous write to
 * a pipe cost ~100 µs a line here, an asynchronous one ~4 µs); pino writes what is left when the
 * process exits, so the line saying why a program stops is out before it does. Readable lines
 * (a terminal, a person) are written at once.
 */
export function createLogger (options: LoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  }
  if ((options.format ?? logFormat()) === 'json') return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: false }))
  return pino(settings, pretty({
    ...prettyOptions(options.colors),
    sync: true,
    ...(options.destination ? { destination: options.destination as NodeJS.WritableStream } : {}),
  }))
}

/** The readable form: `12:00:01.234 INFO (node): frame rendered job=… task=… node=pc-a frame=3`. */
export function prettyOptions (colors?: boolean): pretty.PrettyOptions {
  return {
    ...(colors === undefined ? {} : { colorize: colors }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    hideObject: true,
    messageFormat: (log, messageKey, _level, { colors }) => readable(log, messageKey, (s) => colors.gray(s)),
  }
}

/** Fields every line has, shown by pino-pretty itself or not worth a column on a terminal. */
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v'])

/**
 * The message, then each field as key=value on the same line; text of several lines (a command's
 * output, a Blender log tail) and an error's stack follow it, indented.
 */
export function readable (log: Record<string, unknown>, messageKey = 'msg', dim: (s: string) => string = (s) => s): string {
  const parts = [String(log[messageKey] ?? '')]
  const below: string[] = []
  for (const [key, value] of Object.entries(log)) {
    if (SHOWN_ELSEWHERE.has(key) || key === messageKey || value === undefined) continue
    if (key === 'err' && value && typeof value === 'object') {
      const err = value as { message?: unknown, stack?: unknown }
      parts.push(`${dim('err=')}${shown(String(err.message ?? ''))}`)
      if (typeof err.stack === 'string') below.push(...err.stack.split('\n').slice(1).map((l) => `    ${l.trim()}`))
      continue
    }
    if (typeof value === 'string' && value.includes('\n')) {
      parts.push(dim(`${key}:`))
      below.push(...value.replace(/\n$/, '').split('\n').map((l) => `    | ${l}`))
      continue
    }
    parts.push(`${dim(`${key}=`)}${shown(value)}`)
  }
  return [parts.join(' '), ...below].join('\n')
}

/** A value in one word where it can be: plain text unquoted, numbers in a row as ranges (1-4,7). */
function shown (value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  if (Array.isArray(value) && value.length > 0 && value.every((x) => Number.isInteger(x))) return ranges(value as number[])
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value.length > 0 ? value.map(shown).join(',') : '[]'
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
}

function ranges (xs: number[]): string {
  const out: string[] = []
  for (let i = 0; i < xs.length;) {
    let j = i
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++
    out.push(j > i ? `${xs[i]}-${xs[j]}` : String(xs[i]))
    i = j + 1
  }
  return out.join(',')
}

/**
 * A line another RFAM program wrote (the local node, run by the server): logged again through
 * `log` at its own level with its own fields, `from` added; a line that is no JSON as a warning.
 */
export function relayLine (log: Log, line: string, from: string): void {
  let entry: unknown = null
  try { entry = JSON.parse(line) } catch { /* plain text */ }
  if (!entry || typeof entry !== 'object' || typeof (entry as { msg?: unknown }).msg !== 'string') {
    log.warn({ from }, line)
    return
  }
  const { level, time: _time, pid: _pid, hostname: _host, name: _name, msg, ...fields } = entry as Record<string, unknown>
  log[RELAYED[String(level)] ?? 'info']({ from, ...fields }, msg as string)
}

const RELAYED: Record<string, keyof Log> = { trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'error' }
