// A cluster's burst of single-use nodes against one server: BENCH_NODES (200) simulated nodes
// start at once, each waiting a random start-up jitter (BENCH_JITTER seconds, 5) as jitterSeconds
// makes node/ do, then speaking the real protocol over HTTP on loopback: hello, one work request,
// a report per frame written (each "rendered" in BENCH_FRAME_MS, 200), done, bye; a node that gets
// nothing signs off (as node/ exits with status 3). Meanwhile a load generator plays the web UI
// (BENCH_UI_CLIENTS clients, 4, alternating GET /api/projects/demo/assets and /todo, from a process
// of its own so the simulated nodes never delay its clocks) and times every answer. Prints whether any node failed and the UI latency before and during the burst (target:
// p99 under 100 ms). The server is its own process. Asserts nothing.
//   npx tsx test/bench/prenode-burst.bench.ts
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FarmWelcome, FarmWork, JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { rssMb, startServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const NODES = Number(process.env.BENCH_NODES ?? 200)
const JITTER_S = Number(process.env.BENCH_JITTER ?? 5)
const FRAME_MS = Number(process.env.BENCH_FRAME_MS ?? 200)
const UI_CLIENTS = Number(process.env.BENCH_UI_CLIENTS ?? 4)
const FRAMES = Number(process.env.BENCH_FRAMES ?? 2 * NODES)

interface NodeOutcome { name: string, worked: boolean, frames: number, error?: string }

/** CPU seconds a process has used (Linux: utime + stime from /proc, in clock ticks of 1/100 s). */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const percentile = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN

async function post<T> (url: string, credential: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${url}/api/farm/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` }, body: JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`)
  return (text ? JSON.parse(text) : undefined) as T
}

/** One single-use node, as node/ behaves with singleUse and jitterSeconds. */
async function singleUseNode (url: string, credential: string, name: string, renders: string): Promise<NodeOutcome> {
  await sleep(Math.random() * JITTER_S * 1000)
  try {
    const welcome = await post<FarmWelcome>(url, credential, 'hello', { name, version: '0.1.0', blenderVersion: '3.4.1', provides: [], shares: ['data'], processes: 1, singleUse: true, running: [], sandbox: { kind: 'bubblewrap' } })
    const me = { node: name, session: welcome.session }
    const work = await post<FarmWork>(url, credential, 'work', { ...me, free: 1, running: [], wait: true })
    let frames = 0
    for (const run of work.runs) {
      for (const frame of run.frames) {
        await sleep(FRAME_MS)
        // The server counts a frame only when its file is on the share.
        const file = `${String(frame).padStart(4, '0')}.png`
        writeFileSync(join(renders, file), 'PNG')
        const reply = await post<{ cancel: boolean }>(url, credential, 'report', { ...me, job: run.job, tasks: run.tasks, frames: [{ frame, seconds: FRAME_MS / 1000, file }] })
        if (reply.cancel) throw new Error(`the server cancelled ${run.job}`)
        frames++
      }
      await post(url, credential, 'done', { ...me, job: run.job, tasks: run.tasks, frames: [], seconds: (run.frames.length * FRAME_MS) / 1000 })
    }
    await post(url, credential, 'bye', me)
    return { name, worked: work.runs.length > 0, frames }
  } catch (err) {
    return { name, worked: false, frames: 0, error: (err as Error).message }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rfam-burst-'))
try {
  const file = writeTestConfig(dir, { localNode: false, logLevel: 'warn', farmSettings: { heartbeatSeconds: 10, longPollSeconds: 20 } })
  const config = loadConfig(file)
  const credential = await new FarmCredentialStore(config.secretsDir).create('cluster')
  const server = await startServerProcess(file, { stderr: 'inherit' })
  const { url } = server
  const { api } = await logIn(url, 'alex')
  mkdirSync(join(config.shares.resolve('data::demo'), 'shots'), { recursive: true })
  writeFileSync(join(config.shares.resolve('data::demo'), 'shots', 'burst.blend'), TINY_BLEND)

  // The web UI, timed from a process of its own (test/bench/prenode-ui-load.ts).
  const { cookie } = await logIn(url, 'alex')
  const ui = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'prenode-ui-load.ts'), url, cookie, String(UI_CLIENTS)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const uiLines = createInterface({ input: ui.stdout! })[Symbol.asyncIterator]()
  await uiLines.next() // ready
  await sleep(3000)

  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/burst.blend', frameStart: 1, frameEnd: FRAMES })).body
  ui.stdin!.write('burst\n')
  const cpuBefore = cpuSeconds(server.child.pid!)
  const started = performance.now()
  const renders = join(config.shares.resolve('data::demo'), 'renders', 'shots', 'burst')
  mkdirSync(renders, { recursive: true })
  const outcomes = await Promise.all(Array.from({ length: NODES }, (_, i) => singleUseNode(url, credential, `burst-${i}`, renders)))
  const burstSeconds = (performance.now() - started) / 1000
  const serverCpu = cpuSeconds(server.child.pid!) - cpuBefore
  const rss = rssMb(server.child.pid!)
  ui.stdin!.write('stop\n')
  const { before, burst, burstAt, errors: uiErrors } = JSON.parse((await uiLines.next()).value as string) as { before: number[], burst: number[], burstAt: number[], errors: number }
  // While the nodes arrive (hello, first poll) and after (reports, done, idle polls).
  const arrivalMs = (JITTER_S + 1) * 1000
  const arriving = burst.filter((_, i) => burstAt[i]! < arrivalMs)
  const working = burst.filter((_, i) => burstAt[i]! >= arrivalMs)
  const view = (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
  await server.stop()

  const failed = outcomes.filter((o) => o.error)
  const worked = outcomes.filter((o) => o.worked)
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return `${sorted.length} requests, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms`
  }
  const p99 = percentile([...burst].sort((a, b) => a - b), 0.99)
  console.log(`prenode burst: ${NODES} single-use nodes, start-up jitter up to ${JITTER_S} s, ${FRAMES}-frame job, ${FRAME_MS} ms a frame, ${UI_CLIENTS} UI clients`)
  console.log(`  nodes: ${failed.length === 0 ? 'none failed' : `${failed.length} FAILED`}; ${worked.length} rendered (${outcomes.reduce((n, o) => n + o.frames, 0)} frames), ${NODES - worked.length - failed.length} found nothing to do; burst over in ${burstSeconds.toFixed(1)} s`)
  for (const f of failed.slice(0, 5)) console.log(`    ${f.name}: ${f.error}`)
  console.log(`  job: ${view.status}, ${view.counts.done ?? '?'} of ${view.counts.frames} frames done`)
  console.log(`  web UI before the burst: ${stats(before)}`)
  console.log(`  web UI during the burst: ${stats(burst)}${uiErrors ? `, ${uiErrors} errors` : ''}`)
  console.log(`    while the nodes arrive (first ${JITTER_S + 1} s): ${stats(arriving)}`)
  console.log(`    after that: ${stats(working)}`)
  console.log(`  server CPU during the burst: ${serverCpu.toFixed(1)} s in ${burstSeconds.toFixed(1)} s (${(100 * serverCpu / burstSeconds).toFixed(0)} % of one core), UI requests included`)
  console.log(`  target p99 < 100 ms: ${p99 < 100 ? 'met' : 'NOT met'}; server RSS ${rss.toFixed(0)} MB; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
