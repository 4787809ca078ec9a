// A real server and a real prenode on the one-machine Slurm cluster
// (deploy/slurm/start-local-cluster.sh), with the shipped deploy/slurm/ files: the prenode runs
// the shipped command (sbatch of rfam-node.sbatch as a job array), Slurm runs the single-use nodes
// (real Blender). For the Slurm tests and the Slurm benchmark; whyNoSlurm says when it cannot run.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { startTestServer } from '../helpers/server.ts'
import { startTs, type Proc } from '../helpers/processes.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'

export function whyNoSlurm (): string | false {
  if (!existsSync('/usr/sbin/slurmctld') || !existsSync('/usr/bin/sbatch')) return 'Slurm is not installed (scripts/install-system-deps.sh installs slurm-wlm and munge)'
  if (process.getuid?.() !== 0) return 'the one-machine Slurm cluster needs root (deploy/slurm/start-local-cluster.sh)'
  return false
}

type Tap = Parameters<typeof startTestServer>[0]

export interface SlurmFarm {
  s: Awaited<ReturnType<typeof startTestServer>>
  api: Awaited<ReturnType<typeof logIn>>['api']
  prenode: Proc
  /** Folder of the array tasks' logs (rfam-node-<array job>_<task>.log). */
  logs: string
  /** Array job ids the prenode submitted so far (sbatch --parsable prints them), cancelled at teardown. */
  submitted: () => string[]
}

/** Starts the cluster (an error says why it did not come up), a server and the prenode. */
export async function slurmFarm (t: Tap, options: { maxNodes?: number, longPollSeconds?: number } = {}): Promise<SlurmFarm> {
  const up = spawnSync('bash', [join(repoRoot, 'deploy', 'slurm', 'start-local-cluster.sh')], { encoding: 'utf8', timeout: 120_000 })
  if (up.status !== 0) throw new Error(`the local cluster did not come up: ${up.stdout.trim()} ${up.stderr.trim()}`)

  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, longPollSeconds: options.longPollSeconds ?? 5 } } })
  const { api } = await logIn(s.url, 'alex')
  const dir = testFolder(t, 'slurm')
  const logs = join(dir, 'logs')
  mkdirSync(logs)
  writeFileSync(join(dir, 'prenode.credential'), await s.app.farm.credentials.create('slurm-prenode'))
  writeFileSync(join(dir, 'node.credential'), await s.app.farm.credentials.create('slurm-nodes'))
  const nodeConfig = join(dir, 'cluster-node.json')
  const shipped = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'slurm', 'cluster-node.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(nodeConfig, JSON.stringify({ ...shipped, $schema: undefined, server: s.url, credential: 'file:node.credential', shares: [{ ident: 'data', path: s.config.shares.root('data') }], processes: [1], jitterSeconds: 1 }))
  const prenodeShipped = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'slurm', 'prenode.json'), 'utf8')) as { command: string, maxNodes: number }
  const prenodeConfig = join(dir, 'prenode.json')
  writeFileSync(prenodeConfig, JSON.stringify({ name: 'slurm', server: s.url, credential: 'file:prenode.credential', checkSeconds: 1, maxNodes: options.maxNodes ?? prenodeShipped.maxNodes, command: prenodeShipped.command }))

  const prenode = startTs(t, 'prenode/main.ts', ['--config', prenodeConfig], {
    label: 'prenode', env: { RFAM_HOME: repoRoot, RFAM_NODE_CONFIG: nodeConfig, RFAM_SLURM_LOGS: logs, RFAM_NODE_PREFIX: 'rfamtest' },
  })
  await prenode.waitForLog({ msg: 'prenode watching', prenode: 'slurm' })
  // --parsable: sbatch prints the job id alone, which the prenode logs as the command's output.
  const submitted = () => prenode.logs.filter((e) => e.msg === 'command done').map((e) => /^(\d+)\s*$/m.exec(String(e.output))?.[1]).filter((id): id is string => id !== undefined)
  // Whatever this test submitted is cancelled at the end, by job id.
  t.teardown(() => { const ids = submitted(); if (ids.length) spawnSync('scancel', ids) })
  return { s, api, prenode, logs, submitted }
}

/** Whether Slurm still has tasks of this array job (pending or running). */
export function arrayQueued (id: string): boolean {
  return spawnSync('squeue', ['-h', '-j', id], { encoding: 'utf8' }).stdout.trim() !== ''
}
