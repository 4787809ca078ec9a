// RFAM on a real (one-machine) Slurm cluster: deploy/slurm/start-local-cluster.sh brings up munge,
// slurmctld and slurmd; a real server gets a render job; the prenode, with the command of the
// shipped deploy/slurm/prenode.json, submits deploy/slurm/rfam-node.sbatch as a job array; Slurm
// runs the single-use nodes (real Blender), and the frames appear on disk. Prints the time from
// the job being added to its first frame rendered. Skipped only where Slurm cannot run at all.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { copyScene } from '../node/harness.ts'
import { until } from '../helpers/until.ts'
import { logMatches, parseLogLine } from '../helpers/logs.ts'
import { arrayQueued, slurmFarm, whyNoSlurm } from './slurm-harness.ts'

t.test('the prenode submits a job array to Slurm; single-use nodes render the frames', { skip: whyNoSlurm() }, async (t) => {
  const farm = await slurmFarm(t)
  const { s, api, prenode, logs } = farm
  copyScene('tiny.blend', join(s.projectDir(), 'shots'))

  const added = Date.now()
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 4 })).body
  // --parsable: sbatch prints the job id alone, which the prenode logs as the command's output.
  await prenode.waitForLog({ msg: 'command done' }, 60_000)
  const id = farm.submitted()[0]!
  t.ok(prenode.logs.some((e) => logMatches(e, { msg: 'running the command', command: /^sbatch --parsable --array=1-4 / })), 'the run plan: a node per frame of unknown time (4 frames, 4 nodes)')
  const renders = join(s.projectDir(), 'renders', 'shots', 'tiny')
  await until('the first frame on disk', () => existsSync(renders) && readdirSync(renders).length > 0, { timeoutMs: 180_000 })
  const firstFrameSeconds = (Date.now() - added) / 1000
  const done = await until('the job finished', async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, { timeoutMs: 300_000 })
  const allSeconds = (Date.now() - added) / 1000
  t.equal(done.status, 'completed')
  t.same(readdirSync(renders).sort(), ['0001.png', '0002.png', '0003.png', '0004.png'], 'every frame on disk')
  const byNode = new Set(done.tasks!.flatMap((x) => (x.samples ?? []).map((sm) => sm.node)))
  t.ok([...byNode].every((n) => n !== undefined && new RegExp(`^rfamtest-${id}-\\d+$`).test(n)), `rendered by the array's single-use nodes (${[...byNode].join(', ')})`)

  // Every array task ends (nodes that found nothing left exit at once) and counts as completed.
  await until('the array drained', () => !arrayQueued(id), { timeoutMs: 120_000 })
  const states = spawnSync('scontrol', ['-o', 'show', 'job', id], { encoding: 'utf8' }).stdout
  const taskStates = [...states.matchAll(/JobState=(\w+)/g)].map((m) => m[1])
  t.ok(taskStates.length > 0 && taskStates.every((st) => st === 'COMPLETED'), `every array task completed (${taskStates.join(', ')})`)
  const taskLogs = readdirSync(logs).filter((f) => f.startsWith(`rfam-node-${id}_`)).sort()
  t.equal(taskLogs.length, 4, 'one log per array task')
  const logText = taskLogs.map((f) => readFileSync(join(logs, f), 'utf8')).join('\n')
  t.match(logText, /single-use node rfamtest-\d+-1/)
  t.match(logText, /rendered its round; done/)
  t.notMatch(logText, /the node failed/)

  // Where the time went, from the timestamps in the prenode's and the tasks' logs: the time of a
  // log entry (JSON), or the date the batch script's own lines start with.
  const at = (text: string, re: RegExp) => {
    const when = (l: string) => Date.parse(String(parseLogLine(l)?.time ?? l.split(' ')[0]))
    const times = text.split('\n').filter((l) => re.test(l)).map(when).filter((x) => !Number.isNaN(x))
    return times.length ? `${((Math.min(...times) - added) / 1000).toFixed(1)} s` : '?'
  }
  const steps = `sbatch run ${at(prenode.lines.join('\n'), /"msg":"running the command"/)}, first task started ${at(logText, /single-use node/)}, first node connected ${at(logText, /"msg":"connected to the server"/)}, first Blender started ${at(logText, /"msg":"rendering"/)}`
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  t.comment(`Slurm: job added → first frame on disk ${firstFrameSeconds.toFixed(1)} s (${steps}); all 4 frames ${allSeconds.toFixed(1)} s (64×36 Cycles, 4 samples; load average ${load})`)
  t.equal(await prenode.stop(), 0)
})
