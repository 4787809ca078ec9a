// Runs the prenode's command through the shell, in its own process group (so a timeout kills
// whatever the shell started too), with RFAM_FRAMES and RFAM_JOBS in its environment, and keeps
// the end of its output for the log.
import { spawn } from 'node:child_process'

export interface CommandResult {
  ok: boolean
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** The end of stdout and stderr together. */
  output: string
  /** Why it failed, in a sentence (empty when ok). */
  problem: string
}

const OUTPUT_MAX = 8000

export function runCommand (command: string, options: { env: Record<string, string>, timeoutMs: number, cwd?: string }): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = ''
    let timedOut = false
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    })
    const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-OUTPUT_MAX) }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone already */ }
    }, options.timeoutMs)
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      clearTimeout(timer)
      const ok = !spawnError && !timedOut && exitCode === 0
      const problem = ok
        ? ''
        : spawnError
          ? `the shell could not be started: ${spawnError.message}`
          : timedOut
            ? `it was still running after ${Math.round(options.timeoutMs / 1000)} s and was killed (commandTimeoutSeconds)`
            : signal ? `it was killed by ${signal}` : `it exited with status ${exitCode}`
      resolve({ ok, exitCode, signal, timedOut, output: output.trimEnd(), problem })
    }
    child.once('error', (err) => finish(null, null, err))
    child.once('close', (code, signal) => finish(code, signal))
  })
}
