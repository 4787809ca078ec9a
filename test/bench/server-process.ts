// Starts RFAM as its own process, as `npm start` does (plain node running the server bundle, built
// here once per process from the current sources), on a prepared config: for benchmarks that must not
// share an event loop with their load generator, and for the test of `npm start` itself.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { buildServerBundle } from '../../scripts/build-server.mjs'

export interface ServerProcess {
  child: ChildProcess
  url: string
  /** performance.now() when the process was spawned. */
  spawnedAt: number
  /** Milliseconds from spawning to the line saying it listens. */
  startedMs: number
  stop: () => Promise<void>
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

/** The server's address, once its output says where it listens; rejects if it exits first. */
export function listeningUrl (child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /open (http:\/\/\S+?)\/?\s/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
}

/** BENCH_SERVER_PROFILE=<folder>: the server writes a CPU profile there when it stops (node --cpu-prof). */
const profileArgs = () => (process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`] : [])

export async function startServerProcess (configFile: string): Promise<ServerProcess> {
  const file = await serverBundle()
  const t0 = performance.now()
  const child = spawn(process.execPath, [...profileArgs(), file], {
    env: { ...process.env, RFAM_CONFIG: configFile }, stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await listeningUrl(child)
  const startedMs = performance.now() - t0
  return {
    child, url, spawnedAt: t0, startedMs,
    stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM') }),
  }
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
