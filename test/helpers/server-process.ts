// The one real-process server starter: RFAM as its own process, as `npm start` runs it (plain node
// on the server bundle, built here once per process from the current sources), on a prepared
// config. For tests that kill it for real (SIGKILL) or stop it as systemd would (SIGTERM) and start
// it again on the same folders, for the test of `npm start` itself, and for benchmarks that must not
// share an event loop with their load generator. Its output (both streams) is kept line by line,
// and its log entries (JSON lines) parsed, so tests find events by their fields (helpers/logs.ts).
// Plus plain HTTP calls against it, as the web UI and render nodes make them.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { buildServerBundle } from '../../scripts/build-server.mjs'
import { lineSplitter, parseLogLine, type LogEntry } from './logs.ts'

interface Tap { teardown: (fn: () => unknown) => void }

export interface ServerProcess {
  child: ChildProcess
  url: string
  /** Its output so far, both streams, line by line. */
  lines: string[]
  /** The lines that are log entries, parsed. */
  logs: LogEntry[]
  /** performance.now() when the process was spawned. */
  spawnedAt: number
  /** Milliseconds from spawning to the line saying it listens. */
  startedMs: number
  /** SIGTERM, as systemd stops it; resolves once it has exited. */
  stop: () => Promise<void>
  /** SIGKILL: no clean stop, nothing written on the way out. */
  kill: () => Promise<void>
}

let bundle: Promise<string> | undefined

/**
 * dist/server.mjs, rebuilt from the sources the first time it is asked for; or, for comparing two
 * versions at the same load, BENCH_SERVER_BUNDLE: a bundle built before (`node scripts/build-server.mjs`
 * on the other version, then copied aside).
 */
export function serverBundle (): Promise<string> {
  const given = process.env.BENCH_SERVER_BUNDLE
  bundle ??= given ? Promise.resolve(given) : buildServerBundle().then((built) => built.outFile)
  return bundle
}

/**
 * The server's address (no trailing slash), once it logs where it listens: the `url` of its
 * "RFAM is running" entry. A bundle built before logs were JSON (BENCH_SERVER_BUNDLE) printed
 * "open <url>" instead, which is read too. Rejects if the server exits first.
 */
export function listeningUrl (child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', lineSplitter((line) => {
      out += `${line}\n`
      const entry = parseLogLine(line)
      const url = entry ? entry.msg === 'RFAM is running' && entry.url : /open (http:\/\/\S+)/.exec(line)?.[1]
      if (typeof url === 'string') resolve(url.replace(/\/+$/, ''))
    }))
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
}

/** BENCH_SERVER_PROFILE=<folder>: the server writes a CPU profile there when it stops (node --cpu-prof). */
const profileArgs = () => (process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`] : [])

/**
 * Starts the server on this configuration; rejects (with its output) when it stops instead. With
 * `t`, it is killed at the test's teardown if still running; without (benchmarks), the caller stops it.
 * `stderr: 'inherit'` passes its errors through (benchmarks), instead of keeping them in `lines`.
 * `bundle`: a server bundle of another version to run instead (benchmarks comparing two).
 */
export async function startServerProcess (configFile: string, options: { t?: Tap, stderr?: 'keep' | 'inherit', bundle?: string } = {}): Promise<ServerProcess> {
  const file = options.bundle ?? await serverBundle()
  const spawnedAt = performance.now()
  const inherit = options.stderr === 'inherit'
  const child = spawn(process.execPath, [...profileArgs(), file], {
    env: { ...process.env, RFAM_CONFIG: configFile, RFAM_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', inherit ? 'inherit' : 'pipe'],
  })
  const lines: string[] = []
  const logs: LogEntry[] = []
  const keep = (line: string) => {
    lines.push(line)
    const entry = parseLogLine(line)
    if (entry) logs.push(entry)
  }
  child.stdout!.on('data', lineSplitter(keep))
  child.stderr?.on('data', lineSplitter(keep))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const signal = async (name: NodeJS.Signals) => {
    if (!gone()) child.kill(name)
    await exited
  }
  options.t?.teardown(() => signal('SIGKILL'))
  let url: string
  try {
    url = await listeningUrl(child)
  } catch (err) {
    await exited // the rest of its output
    throw new Error(`${(err as Error).message}\n${lines.join('\n')}`)
  }
  return { child, url, lines, logs, spawnedAt, startedMs: performance.now() - spawnedAt, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') }
}

/** A port free now, for a server process that must come back on the same address after a kill. */
export async function freePort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise((resolve) => srv.close(resolve))
  return port
}

export interface Reply { status: number, body: any }

/** A JSON call with a bearer token (a session's or a farm credential), as the add-on and the nodes make them. */
export async function call (server: { url: string }, method: string, path: string, bearer: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try { parsed = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, body: parsed }
}

/** CPU seconds (user + system) a process has used so far (Linux): unlike wall time, this
 *  hardly depends on what else the machine is doing. */
export function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in clock ticks (100/s on Linux)
}

/** CPU seconds the whole machine has been busy so far, all cores together (Linux, /proc/stat). */
export function machineBusySeconds (): number {
  // cpu  user nice system idle iowait irq softirq steal …, in clock ticks
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100
}

/** Resident memory of a process in MB (Linux). */
export function rssMb (pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}
