// Scheduler scale over HTTP on loopback: 1,000 simulated nodes and 100,000 queued frames (10
// projects × 10 jobs × 1,000 frames) against a real server process. Each simulated node does what
// node/ does: keeps a poll held open, "renders" each run for a random 0–2×RENDER_MS, then sends
// done, whose reply brings the next run. Prints task assignments per second and request latency
// (p50/p99 of work requests and done; held polls are long polls by design), and the CPU the server
// and this client used meanwhile (both share the machine's cores). Asserts nothing.
// The server counts a frame only when its file is on the share, written after its task was handed
// out: every frame's file is made before measuring (dated a day ahead), so the simulated nodes
// write nothing while measured and the server checks each frame on disk as it would a real one.
//   npx tsx test/bench/farm-scale.bench.ts        BENCH_SECONDS=20 BENCH_RENDER_MS=300 BENCH_NODES=1000
import { Agent, request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FarmReportReply, FarmTask, FarmWelcome, FarmWork } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { cpuSeconds, rssMb } from '../helpers/server-process.ts'
import { startFarmServer } from './farm-server.ts'
import { KeepAliveClient } from './keep-alive-client.ts'
import { logIn } from '../helpers/login.ts'
import { parseLogLine } from '../helpers/logs.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

export interface ScaleResult {
  nodes: number,
  frames: number,
  seconds: number,
  assignments: number,
  perSecond: number,
  requestsPerSecond: number,
  p50: number,
  p99: number,
  max: number,
  errors: number,
  rssMb: number,
  /** CPU used while measuring, in cores (1 = one core busy all the time). */
  serverCpu: number,
  clientCpu: number,
}

const PROJECTS = 10
const JOBS_PER_PROJECT = 10
const FRAMES_PER_JOB = 1000
/** BENCH_VERBOSE=1 counts the requests slower than this, by second of the run. */
const SLOW_MS = 50

const frameFile = (frame: number) => `${String(frame).padStart(4, '0')}.png`

function percentile (sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN
}

export async function farmScale (options: { nodes?: number, seconds?: number, renderMs?: number } = {}): Promise<ScaleResult> {
  const nodes = options.nodes ?? Number(process.env.BENCH_NODES ?? 1000)
  const seconds = options.seconds ?? Number(process.env.BENCH_SECONDS ?? 20)
  const renderMs = options.renderMs ?? Number(process.env.BENCH_RENDER_MS ?? 300)
  const dir = mkdtempSync(join(tmpdir(), 'rfam-farm-scale-'))
  const file = writeTestConfig(dir, { demo: false, localNode: false, logLevel: 'info', farmSettings: { heartbeatSeconds: 10, longPollSeconds: 20 } })
  const config = loadConfig(file)
  const projects = Array.from({ length: PROJECTS }, (_, i) => `p${i}`)
  for (const p of projects) {
    writeFileSync(join(config.projectsDir, `${p}.json`), JSON.stringify({ ident: p, name: `Project ${p}`, directory: `data::${p}`, renderPriority: 1 + (Number(p.slice(1)) % 3) }))
    mkdirSync(config.shares.resolve(`data::${p}`), { recursive: true })
    writeFileSync(join(config.shares.resolve(`data::${p}`), 'shot.blend'), TINY_BLEND)
    // Every job of a project renders to renders/shot/####.
    const renders = join(config.shares.resolve(`data::${p}`), 'renders', 'shot')
    mkdirSync(renders, { recursive: true })
    const later = new Date(Date.now() + 86_400_000)
    for (let frame = 1; frame <= FRAMES_PER_JOB; frame++) {
      const file = join(renders, frameFile(frame))
      writeFileSync(file, 'PNG')
      utimesSync(file, later, later)
    }
  }
  writeFileSync(join(config.usersDir, 'bench.json'), JSON.stringify({ ident: 'bench', name: 'Bench', projects, staff: true }))
  const credential = await new FarmCredentialStore(config.secretsDir).create('bench')
  const server = await startFarmServer(file)
  const { hostname, port } = new URL(server.url)
  // Every real node keeps its own connection open between requests (fetch's keep-alive); one shared
  // agent must keep as many: with the default 256 free sockets it closed the rest, and the ~1,000
  // new connections a second overflowed the server's accept queue (SYNs retried after 1 s, 3 s …).
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: Infinity })
  const post = <T>(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${credential}` }): Promise<T> => new Promise((resolve, reject) => {
    const data = JSON.stringify(body)
    const req = request({ host: hostname, port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`${path}: ${res.statusCode} ${text}`))
        else resolve((text ? JSON.parse(text) : undefined) as T)
      })
    })
    req.on('error', reject)
    req.end(data)
  })
  try {
    const { cookie } = await logIn(server, 'bench', { project: 'p0' })
    for (const p of projects) {
      for (let j = 0; j < JOBS_PER_PROJECT; j++) {
        await post(`/api/projects/${p}/jobs`, { file: 'shot.blend', name: `Job ${j}`, frameStart: 1, frameEnd: FRAMES_PER_JOB, priority: j % 3 }, { cookie })
      }
    }
    const names = Array.from({ length: nodes }, (_, i) => `sim-${String(i).padStart(4, '0')}`)
    const sessions = new Map<string, string>()
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map(async (name) => {
        const w = await post<FarmWelcome>('/api/farm/hello', { name, version: 'sim', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' } })
        sessions.set(name, w.session)
      }))
    }

    let measuring = false
    let stop = false
    let assignments = 0
    let requests = 0
    let errors = 0
    const latencies: number[] = []
    const slow: Array<[number, number]> = []
    let measureStart = 0
    const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now()
      const out = await fn()
      const ms = performance.now() - t0
      if (measuring) {
        latencies.push(ms)
        requests++
        if (ms > SLOW_MS && process.env.BENCH_VERBOSE) slow.push([Math.round(t0 - measureStart), Math.round(ms)])
      }
      return out
    }
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    const clients: KeepAliveClient[] = []
    const client = () => {
      const c = new KeepAliveClient(hostname, Number(port), { authorization: `Bearer ${credential}` })
      clients.push(c)
      return c
    }
    // A simulated node, doing what node/ does: one poll held open all the time (its heartbeat and
    // cancel channel, renewed when the server ends it), and done asking for the next run; each on
    // a keep-alive connection of its own, as fetch does.
    const simulate = async (name: string) => {
      const session = sessions.get(name)!
      const control = client()
      const poll = client()
      let run: FarmTask | undefined
      let held: Promise<unknown> | null = null
      await sleep(Math.random() * renderMs)
      while (!stop) {
        try {
          if (!run) {
            const work = await timed(() => control.post<FarmWork>('/api/farm/work', { node: name, session, free: 1, running: [], wait: false }))
            run = work.runs[0]
            if (!run) { await sleep(renderMs); continue }
            if (measuring) assignments++
          }
          const current = run
          held ??= poll.post<FarmWork>('/api/farm/work', { node: name, session, free: 0, running: [{ job: current.job, tasks: current.tasks }], wait: true })
            .catch(() => undefined).finally(() => { held = null })
          await sleep(Math.random() * 2 * renderMs)
          const reply = await timed(() => control.post<FarmReportReply>('/api/farm/done', { node: name, session, job: current.job, tasks: current.tasks, frames: current.frames.map((frame) => ({ frame, seconds: 600, file: frameFile(frame) })), seconds: current.frames.length * 600 + 1, free: 1 }))
          run = reply.runs?.[0]
          if (run && measuring) assignments++
        } catch (err) {
          if (stop) break // its connections were closed
          if (measuring) errors++
          if (errors < 5) console.error(String(err))
          run = undefined
          await sleep(100)
        }
      }
      await held
    }
    const loops = names.map((n) => simulate(n))
    await sleep(5000) // warm up: first frames measured, run sizes settle
    measuring = true
    const t0 = performance.now()
    measureStart = t0
    const serverCpu0 = cpuSeconds(server.child.pid!)
    const clientCpu0 = process.cpuUsage()
    await sleep(seconds * 1000)
    measuring = false
    const elapsed = (performance.now() - t0) / 1000
    const serverCpu = (cpuSeconds(server.child.pid!) - serverCpu0) / elapsed
    const clientUsage = process.cpuUsage(clientCpu0)
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6 / elapsed
    const rss = rssMb(server.child.pid!)
    stop = true
    // Held polls end when their connection does (the server drops them), not after the long poll.
    for (const c of clients) c.close()
    await Promise.all(loops)
    latencies.sort((a, b) => a - b)
    if (process.env.BENCH_VERBOSE) {
      const buckets = new Map<number, number>()
      for (const [at] of slow) buckets.set(Math.floor(at / 1000), (buckets.get(Math.floor(at / 1000)) ?? 0) + 1)
      console.log(`  requests over ${SLOW_MS} ms: ${slow.length}; by second of the run: ${[...buckets].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}s:${v}`).join(' ')}`)
    }
    return {
      nodes,
      frames: PROJECTS * JOBS_PER_PROJECT * FRAMES_PER_JOB,
      seconds: elapsed,
      assignments,
      perSecond: assignments / elapsed,
      requestsPerSecond: requests / elapsed,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
      errors,
      rssMb: rss,
      serverCpu,
      clientCpu,
    }
  } finally {
    agent.destroy()
    await server.stop()
    for (const line of server.output) {
      const e = parseLogLine(line)
      if (e?.msg === 'journal writes since start') console.log(`  server: journal: ${String(e.changes)} changes in ${String(e.syncs)} syncs, ${String(e.averageMs)} ms each on average, ${String(e.maxMs)} ms at most`)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printScale (r: ScaleResult): void {
  console.log(`scheduler scale: ${r.nodes} simulated nodes, ${r.frames.toLocaleString('en')} queued frames, ${r.seconds.toFixed(0)} s`)
  console.log(`  assignments/s ${r.perSecond.toFixed(0).padStart(6)}   (target ≥ 2000)`)
  console.log(`  requests/s    ${r.requestsPerSecond.toFixed(0).padStart(6)}   (work + done; held polls not counted)`)
  console.log(`  latency p50   ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1)} ms (target < 50)   max ${r.max.toFixed(1)} ms`)
  console.log(`  CPU (cores)   server ${r.serverCpu.toFixed(2)}, this client ${r.clientCpu.toFixed(2)}   (${(r.serverCpu * 1e6 / Math.max(1, r.requestsPerSecond)).toFixed(0)} µs of server CPU per request)`)
  console.log(`  errors ${r.errors}, server RSS ${r.rssMb.toFixed(0)} MB`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printScale(await farmScale())
}
