// Clusters sized right, on the real one-machine Slurm cluster (deploy/slurm/start-local-cluster.sh,
// root and slurm-wlm needed): a 100-frame job of a file the server has never rendered (frame time
// unknown) and the shipped prenode (maxNodes 16, `sbatch --array=1-{nodes}`): how big the array
// is, how many distinct single-use nodes rendered frames (target: at least 12 of the 16), their
// runs, and the wall time from the job being added to its last frame. Asserts nothing.
//   npx tsx test/bench/slurm-array.bench.ts          (npm run bench:slurm-array)
// The nodes render real Blender: tiny.blend of the tests (64×36 Cycles, 4 samples), so a frame is
// cheap and Slurm's own pace and each node's start-up (Node, tsx, Blender's sandbox check) are
// most of the time. On a 2-core machine Slurm runs two array tasks at a time (one core each).
// BENCH_FRAMES and BENCH_MAX_NODES change the job and the cap.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { copyScene } from '../node/harness.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'
import { arrayQueued, slurmFarm, whyNoSlurm } from '../prenode/slurm-harness.ts'

const frames = Number(process.env.BENCH_FRAMES ?? 100)
const maxNodes = Number(process.env.BENCH_MAX_NODES ?? 16)

async function main (): Promise<void> {
  const no = whyNoSlurm()
  if (no) {
    console.log(`slurm-array: skipped: ${no}`)
    return
  }
  const fns: Array<() => unknown> = []
  const t = { teardown: (fn: () => unknown) => { fns.push(fn) } }
  try {
    const { s, api, prenode, submitted } = await slurmFarm(t, { maxNodes })
    copyScene('tiny.blend', join(s.projectDir(), 'shots'))
    const t0 = performance.now()
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: frames })).body
    await prenode.waitForLog({ msg: 'command done' }, 60_000)
    const command = prenode.logs.find((e) => logMatches(e, { msg: 'running the command' }))?.command
    const done = await until('the job finished', async () => {
      const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
    }, { timeoutMs: 1_800_000, stepMs: 250 })
    const wall = (performance.now() - t0) / 1000
    const full = s.app.farm.jobFile(job.id)!
    const perNode = new Map<string, number>()
    for (const task of full.tasks) for (const sm of task.samples ?? []) perNode.set(sm.node ?? '?', (perNode.get(sm.node ?? '?') ?? 0) + 1)
    const arrays = submitted()
    for (const id of arrays) await until(`array ${id} drained`, () => !arrayQueued(id), { timeoutMs: 300_000 })
    const runs = [...perNode.values()]
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
    console.log(`slurm-array: ${frames} frames (frame time unknown to the server), maxNodes ${maxNodes}: ${done.status}`)
    console.log(`  command: ${String(command)}`)
    console.log(`  arrays submitted: ${arrays.length} (${arrays.join(', ')})`)
    console.log(`  distinct nodes that rendered frames: ${perNode.size} of ${maxNodes} (target ≥ ${Math.ceil(maxNodes * 0.75)})`)
    console.log(`  frames per node: ${runs.sort((a, b) => b - a).join(', ')}`)
    console.log(`  wall time, job added → last frame: ${wall.toFixed(1)} s (load average ${load})`)
    console.log(`  node table: ${JSON.stringify(s.app.farm.listNodes().arrays)}`)
  } finally {
    for (const fn of fns.reverse()) await fn()
  }
}

await main()
