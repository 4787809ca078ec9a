// Farm against Blender alone on this machine: the same frames rendered by `blender -b file -a`
// (before and after the farm) and by the farm (a real server process and one real node with two
// Blender processes, each using every core unless BENCH_THREADS says otherwise). Prints both times
// and the ratio. Asserts nothing.
//   npx tsx test/bench/farm-blender.bench.ts tiny      48 tiny frames (target: farm ≤ 1.1× direct)
//   npx tsx test/bench/farm-blender.bench.ts heavy     frames of about 5 s (target ≤ 1.03×; BENCH_HEAVY_SAMPLES, BENCH_HEAVY_FRAMES)
// The node keeps Blender in its bubblewrap sandbox, so it has no Blender started ahead of the first
// job (a sandbox is made for one project): the farm's time includes Blender's start, as blender -a's
// does. BENCH_SANDBOX=off runs the node without one (its bwrap fails, the server allows such nodes),
// with Blenders started ahead as before.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { failingBwrap, startNode, testScenes } from '../node/harness.ts'
import { startFarmServer } from './farm-server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

export interface VersusResult { sandbox: boolean, label: string, frames: number, direct: number, directRuns: number[], farm: number, ratio: number, target: number, again?: number, againRatio?: number }

function runBlender (args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('blender', args, { stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', (code) => code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`blender exited ${code}`)))
  })
}

/** A teardown collector standing in for tap's `t` outside tests. */
function teardowns () {
  const fns: Array<() => unknown> = []
  return { t: { teardown: (fn: () => unknown) => { fns.push(fn) } }, run: async () => { for (const fn of fns.splice(0).reverse()) await fn() } }
}

export async function farmVersusDirect (kind: 'tiny' | 'heavy'): Promise<VersusResult> {
  const heavySamples = Number(process.env.BENCH_HEAVY_SAMPLES ?? 3000)
  const frames = kind === 'tiny' ? 48 : Number(process.env.BENCH_HEAVY_FRAMES ?? 12)
  const scenes = kind === 'tiny' ? testScenes() : testScenes(heavySamples)
  const scene = kind === 'tiny' ? 'tiny.blend' : 'heavy.blend'
  const dir = mkdtempSync(join(tmpdir(), `rfam-bench-${kind}-`))
  const cleanup = teardowns()
  try {
    // Blender alone, before and after the farm: this machine's speed drifts by several per cent
    // within minutes (other virtual machines on the host), so the farm is compared with the mean.
    const directRun = () => runBlender(['-b', join(scenes, scene), '--factory-startup', '-o', join(dir, 'direct', '####'), '-s', '1', '-e', String(frames), '-a'])
    const directBefore = await directRun()

    // The farm.
    const sandbox = process.env.BENCH_SANDBOX !== 'off'
    const file = writeTestConfig(join(dir, 'farm'), { demo: true, localNode: false, logLevel: 'warn', farmSettings: { heartbeatSeconds: 10, allowUnsandboxedNodes: !sandbox } })
    const config = loadConfig(file)
    const project = config.shares.resolve('data::demo')
    mkdirSync(join(project, 'shots'), { recursive: true })
    copyFileSync(join(scenes, scene), join(project, 'shots', scene))
    const credential = await new FarmCredentialStore(config.secretsDir).create('bench')
    const server = await startFarmServer(file)
    cleanup.t.teardown(() => server.stop())
    const node = startNode(cleanup.t, { server: server.url, credential, name: 'bench', shareRoot: config.shares.root('data'), processes: (process.env.BENCH_THREADS ?? '0,0').split(',').map(Number), ...(sandbox ? {} : { extra: { bwrap: failingBwrap(cleanup.t) } }) })
    await node.waitForLog({ msg: 'connected to the server' })
    if (sandbox !== node.logs.some((e) => e.msg.startsWith('Blender runs in a bubblewrap sandbox'))) throw new Error(`the node was to run ${sandbox ? 'with' : 'without'} a sandbox:\n${node.lines.join('\n')}`)
    // A render node sits idle between jobs with its Blenders started ahead (readyBlender): measure
    // from there, as a student sending a job to the farm meets it. In a sandbox there are none
    // before the first job: measured from an idle node.
    const processes = (process.env.BENCH_THREADS ?? '0,0').split(',').length
    if (sandbox) await new Promise((resolve) => setTimeout(resolve, 2000))
    else await until('Blenders ready', () => node.logs.filter((e) => e.msg === 'Blender ready').length >= processes, { timeoutMs: 60_000 })
    const { api } = await logIn(server.url, 'alex')
    const render = async () => {
      const t0 = Date.now()
      if (process.env.BENCH_VERBOSE) console.error(`${new Date().toISOString()} adding the job`)
      const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: `shots/${scene}`, frameStart: 1, frameEnd: frames })).body
      // The job's own finish time, read at leisure: polling fast would take CPU from the Blender
      // being measured.
      let finished: string | undefined
      for (;;) {
        const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
        if (body.status === 'completed') { finished = body.finished; break }
        if (body.status === 'failed') throw new Error(`the farm job failed: ${body.message}`)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      if (!finished) throw new Error('the completed job has no finish time')
      const seconds = (Date.parse(finished) - t0) / 1000
      if (process.env.BENCH_VERBOSE) console.error(`${new Date().toISOString()} the job is completed`)
      // The node's runs end after their last frame is reported: wait for it to be idle again.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      return seconds
    }
    const farm = await render()
    // Students render the same shot again and again: the second time the farm knows its frame time.
    const again = kind === 'tiny' ? await render() : undefined
    await cleanup.run() // the node and its Blenders gone: Blender alone again
    const directAfter = await directRun()
    const direct = (directBefore + directAfter) / 2
    return { sandbox, label: kind === 'tiny' ? `${frames} tiny frames` : `${frames} frames of ~${(direct / frames).toFixed(1)} s`, frames, direct, directRuns: [directBefore, directAfter], farm, ratio: farm / direct, target: kind === 'tiny' ? 1.1 : 1.03, ...(again !== undefined ? { again, againRatio: again / direct } : {}) }
  } finally {
    await cleanup.run()
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printVersus (r: VersusResult): void {
  console.log(`${r.label}: blender -a ${r.direct.toFixed(2)} s (mean of ${r.directRuns.map((x) => x.toFixed(2)).join(' s before and ')} s after the farm), farm (1 node, 2 processes, ${r.sandbox ? 'in the sandbox' : 'no sandbox'}) ${r.farm.toFixed(2)} s, ${r.ratio.toFixed(3)}× (target ≤ ${r.target}×)`)
  if (r.again !== undefined) console.log(`  rendered again (frame time known, the node's Blender still has the file open): ${r.again.toFixed(2)} s, ${r.againRatio!.toFixed(3)}×`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const kinds = process.argv.slice(2).filter((k): k is 'tiny' | 'heavy' => k === 'tiny' || k === 'heavy')
  for (const kind of kinds.length ? kinds : ['tiny', 'heavy'] as const) printVersus(await farmVersusDirect(kind))
}
