// New-work pickup and cancel latency with a real server process, a real node and real Blender:
// pickup = from adding a job (POST) to the idle node starting Blender for it; cancel = from the
// cancel request (PATCH) to that Blender process being gone. Prints median and worst of a few
// tries (target < 1 s each; the original took about 25 s). Asserts nothing.
//   npx tsx test/bench/farm-latency.bench.ts        BENCH_TRIES=5
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { startNode, testScenes } from '../node/harness.ts'
import { startFarmServer } from './farm-server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

export interface LatencyResult { pickup: number[], cancel: number[] }

/** True while the process exists and is not a zombie (read from /proc: cheap enough to poll fast). */
function running (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

export async function farmLatency (tries = Number(process.env.BENCH_TRIES ?? 5)): Promise<LatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-latency-'))
  const fns: Array<() => unknown> = []
  const t = { teardown: (fn: () => unknown) => { fns.push(fn) } }
  try {
    const file = writeTestConfig(dir, { demo: true, localNode: false, logLevel: 'warn' })
    const config = loadConfig(file)
    const shots = join(config.shares.resolve('data::demo'), 'shots')
    mkdirSync(shots, { recursive: true })
    for (const scene of ['tiny.blend', 'slow.blend']) copyFileSync(join(testScenes(), scene), join(shots, scene))
    const credential = await new FarmCredentialStore(config.secretsDir).create('bench')
    const server = await startFarmServer(file)
    t.teardown(() => server.stop())
    const node = startNode(t, { server: server.url, credential, name: 'bench', shareRoot: config.shares.root('data'), processes: [0] })
    await node.waitForLog({ msg: 'connected to the server' })
    const { api } = await logIn(server.url, 'alex')
    const finished = (id: string) => until('job finished', async () => {
      const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${id}`)
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? true : undefined
    }, { timeoutMs: 120_000 })
    const result: LatencyResult = { pickup: [], cancel: [] }
    for (let i = 0; i < tries; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500)) // idle, waiting in its held request
      const t0 = performance.now()
      const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 1 })).body
      await node.waitForLog({ msg: 'rendering', job: job.id }, 60_000)
      result.pickup.push((performance.now() - t0) / 1000)
      await finished(job.id)
    }
    for (let i = 0; i < tries; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 20 })).body
      const pid = (await node.waitForLog({ msg: 'rendering', job: job.id }, 60_000)).blenderPid as number
      await new Promise((resolve) => setTimeout(resolve, 300))
      const t0 = performance.now()
      await api('PATCH', `/api/projects/demo/jobs/${job.id}`, { action: 'cancel' })
      while (running(pid)) await new Promise((resolve) => setTimeout(resolve, 2))
      result.cancel.push((performance.now() - t0) / 1000)
    }
    return result
  } finally {
    for (const fn of fns.reverse()) await fn()
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export function printLatency (r: LatencyResult): void {
  console.log(`pickup: median ${(median(r.pickup) * 1000).toFixed(0)} ms, worst ${(Math.max(...r.pickup) * 1000).toFixed(0)} ms (target < 1000; original ~25,000)`)
  console.log(`cancel: median ${(median(r.cancel) * 1000).toFixed(0)} ms, worst ${(Math.max(...r.cancel) * 1000).toFixed(0)} ms (target < 1000; original ~25,000)`)
}

export { median }

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printLatency(await farmLatency())
}
