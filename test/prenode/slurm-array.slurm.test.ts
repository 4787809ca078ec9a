// A Slurm array node killed mid-run, on the real one-machine cluster: the prenode asks for the run
// plan's nodes (9 frames of unknown time, maxNodes 3: an array of 3), Slurm kills one of them
// while it renders (scancel --signal=KILL), the server notices it gone and queues its frames
// again; the array's next node, or a new array the prenode submits for the work left behind,
// renders them, and the job completes. Skipped where Slurm cannot run, as the other Slurm test.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { copyScene } from '../node/harness.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'
import { arrayQueued, slurmFarm, whyNoSlurm } from './slurm-harness.ts'

t.test('an array node killed mid-run: its frames are rendered by another single-use node', { skip: whyNoSlurm() }, async (t) => {
  const { s, api, prenode, submitted } = await slurmFarm(t, { maxNodes: 3 })
  copyScene('slow.blend', join(s.projectDir(), 'shots'))
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 9 })).body
  await prenode.waitForLog({ msg: 'command done' }, 60_000)
  const first = submitted()[0]!
  t.ok(prenode.logs.some((e) => logMatches(e, { msg: 'running the command', command: /^sbatch --parsable --array=1-3 / })), 'an array of 3: the run plan capped by maxNodes')

  // The first node of the array that has a run: killed with everything it started.
  const victim = await until('an array node rendering', () => s.app.farm.listNodes().nodes.find((n) => n.name.startsWith(`rfamtest-${first}-`) && n.runs.length > 0), { timeoutMs: 180_000 })
  const frames = victim.runs[0]!.frames
  const task = victim.name.split('-').at(-1)!
  const killed = spawnSync('scancel', ['--signal=KILL', '--full', `${first}_${task}`], { encoding: 'utf8' })
  t.equal(killed.status, 0, `scancel of ${victim.name}: ${killed.stderr.trim()}`)

  const done = await until('the job finished', async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, { timeoutMs: 400_000 })
  t.equal(done.status, 'completed', 'the job completes')
  const renders = join(s.projectDir(), 'renders', 'shots', 'slow')
  t.equal(existsSync(renders) ? readdirSync(renders).filter((f) => f.endsWith('.png')).length : 0, 9, 'every frame on disk')
  const byFrame = new Map(done.tasks!.flatMap((x) => (x.samples ?? []).map((sm) => [sm.frame, sm.node])))
  const others = frames.filter((f) => byFrame.get(f) !== victim.name)
  t.ok(others.length > 0, `frames the killed node had (${frames.join(', ')}) were rendered by other single-use nodes (${[...new Set(others.map((f) => byFrame.get(f)))].join(', ')})`)
  t.ok([...byFrame.values()].every((n) => /^rfamtest-\d+-\d+$/.test(n ?? '')), 'all by array nodes')
  const arrays = submitted()
  t.comment(`killed ${victim.name} while it rendered frames ${frames.join(', ')}; arrays submitted: ${arrays.join(', ')} (${arrays.length > 1 ? 'the work left behind was offered again' : 'the array\'s next node took it'})`)
  t.match(s.app.farm.listNodes().arrays, [{ name: `rfamtest-${first}`, slurmArray: first }], 'the finished nodes fold into their array')
  for (const id of arrays) await until(`array ${id} drained`, () => !arrayQueued(id), { timeoutMs: 120_000 })
  t.equal(await prenode.stop(), 0)
})
