// Runs the local render node beside the server when Blender is installed, so a fresh
// `npm start` can render the demo right away. The node is a separate process speaking the same
// protocol as any other node; it is stopped (and signs off) with the server. Its log lines (JSON)
// go into the server's log, with `from: "local node"`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot } from './config/load-config.ts'
import { relayLine, type Log } from '../common/log.ts'

export function blenderInstalled (blender = 'blender'): boolean {
  return spawnSync(blender, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0
}

export async function startLocalNode (configFile: string, log: Log): Promise<ChildProcess | null> {
  for (let i = 0; i < 50 && !existsSync(configFile); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  if (!existsSync(configFile)) return null
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'node', 'main.ts'), '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RFAM_LOG_FORMAT: 'json' },
  })
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => { if (line.trim()) relayLine(log, line, 'local node') })
  }
  return child
}

export function stopLocalNode (child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => { clearTimeout(timer); resolve() })
    child.kill('SIGTERM')
  })
}
