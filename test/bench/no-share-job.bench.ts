// The same frames job on a node with the share and on a node without it (which fetches the job's
// files and sends each frame back over HTTP). Prints both times and the ratio (target ≤ 1.05×);
// asserts nothing.
//   npx tsx test/bench/no-share-job.bench.ts    (BENCH_FRAMES: frames per job, 4; BENCH_HEAVY_SAMPLES:
//                                                Cycles samples of the scene, 3000 ≈ 5 s a frame here)
// A real server process and real nodes (node/main.ts, one Blender each, in their sandbox), one node
// at a time; share, no share, share, no share, so the machine's drift (other virtual machines on
// the host) weighs on both alike. Each job's time runs from sending it to its finish time.
// Measured 2026-12-03 on the idle machine (defaults, ~4.6 s frames): share 18.4 s and 18.6 s, no share
// 18.7 s and 18.4 s: 1.003×. Earlier under load (BENCH_FRAMES=3 BENCH_HEAVY_SAMPLES=1500, load ~25, ~20 s frames):
// share 67.3 s and 53.1 s, no share 54.8 s and 50.8 s: 0.877× (the machine's drift is larger than
// the difference).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { startNode, testScenes } from '../node/harness.ts'
import { startFarmServer } from './farm-server.ts'

const frames = Number(process.env.BENCH_FRAMES ?? 4)
const scenes = testScenes(Number(process.env.BENCH_HEAVY_SAMPLES ?? 3000))
const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-noshare-'))
const fns: Array<() => unknown> = []
const t = { teardown: (fn: () => unknown) => { fns.push(fn) } }

try {
  const file = writeTestConfig(join(dir, 'farm'), { demo: true, localNode: false, logLevel: 'warn', farmSettings: { heartbeatSeconds: 10 } })
  const config = loadConfig(file)
  const project = config.shares.resolve('data::demo')
  mkdirSync(join(project, 'shots'), { recursive: true })
  copyFileSync(join(scenes, 'heavy.blend'), join(project, 'shots', 'heavy.blend'))
  const credential = await new FarmCredentialStore(config.secretsDir).create('bench')
  const server = await startFarmServer(file)
  t.teardown(() => server.stop())
  const { api } = await logIn(server.url, 'alex')

  const render = async (share: boolean, round: number): Promise<number> => {
    const name = `${share ? 'share' : 'noshare'}-${round}`
    const extra = share ? {} : { shares: [], noShare: true, cacheDir: join(dir, `cache-${round}`) }
    const node = startNode(t, { server: server.url, credential, name, shareRoot: config.shares.root('data'), processes: [0], extra })
    await node.waitForLog({ msg: 'connected to the server' })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const t0 = Date.now()
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/heavy.blend', frameStart: 1, frameEnd: frames, output: `renders/${name}/####` })).body
    let finished: string | undefined
    for (;;) {
      const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
      if (body.status === 'completed') { finished = body.finished; break }
      if (body.status === 'failed') throw new Error(`the job failed: ${body.message}`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    await node.stop()
    return (Date.parse(finished!) - t0) / 1000
  }

  const times = { share: [] as number[], noShare: [] as number[] }
  for (const round of [1, 2]) {
    times.share.push(await render(true, round))
    times.noShare.push(await render(false, round))
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const s = mean(times.share)
  const n = mean(times.noShare)
  console.log(`${frames} frames of ~${(s / frames).toFixed(1)} s, one node with one Blender in its sandbox, each job sent to a fresh node:`)
  console.log(`  share node ${times.share.map((x) => x.toFixed(1)).join(' s, ')} s; no-share node (fetches the .blend, sends each frame back) ${times.noShare.map((x) => x.toFixed(1)).join(' s, ')} s`)
  console.log(`  no share / share: ${(n / s).toFixed(3)}× (target ≤ 1.05×)`)
} finally {
  for (const fn of fns.splice(0).reverse()) await fn()
  rmSync(dir, { recursive: true, force: true })
}
