// Starts the RFAM server as its own process for the farm benchmarks, as `npm start` runs it (plain
// node on the server bundle, rebuilt from the sources first). BENCH_PROFILE=<dir> adds --cpu-prof,
// to see where the server spends its time; BENCH_IMPORT=<module> preloads a module (instruments);
// BENCH_SERVER_FLAGS adds node options (e.g. --trace-gc); BENCH_TSX=1 runs the sources through tsx.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { listeningUrl, serverBundle } from '../helpers/server-process.ts'

export interface FarmServer { child: ChildProcess, url: string, output: string[], stop: () => Promise<void> }

export async function startFarmServer (configFile: string): Promise<FarmServer> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
  const extra = process.env.BENCH_IMPORT ? ['--import', process.env.BENCH_IMPORT] : []
  if (process.env.BENCH_SERVER_FLAGS) extra.push(...process.env.BENCH_SERVER_FLAGS.split(' ').filter(Boolean))
  const entry = process.env.BENCH_TSX ? ['--import', 'tsx', join(repoRoot, 'server', 'main.ts')] : [await serverBundle()]
  const child = spawn(process.execPath, [...profile, ...extra, ...entry], {
    env: { ...process.env, RFAM_CONFIG: configFile, RFAM_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'inherit'],
  })
  const output: string[] = []
  child.stdout!.on('data', (d: Buffer) => { output.push(...d.toString().split('\n').filter(Boolean)) })
  const url = await listeningUrl(child)
  return { child, url, output, stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM') }) }
}
