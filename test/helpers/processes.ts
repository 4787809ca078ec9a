// Real processes for tests: render nodes, prenodes and single-use nodes as their own processes
// (`node --import tsx <main.ts>`), their output collected line by line, stopped at teardown.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'

interface Tap { teardown: (fn: () => unknown) => void }

export interface Proc {
  proc: ChildProcess
  lines: string[]
  /** Resolves with the first line (seen so far or later) matching `re`. */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop: () => Promise<number | null>
}

/** Runs `main` (a path inside the repository) with node and tsx. */
export function startTs (t: Tap, main: string, args: string[], options: { label: string, cwd?: string, env?: NodeJS.ProcessEnv }): Proc {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, main), ...args], {
    cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters: Array<{ re: RegExp, resolve: (m: RegExpMatchArray) => void }> = []
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue
      lines.push(line)
      if (process.env.RFAM_TEST_VERBOSE) console.error(`[${options.label}] ${line}`)
      for (const w of [...waiters]) {
        const m = line.match(w.re)
        if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m) }
      }
    }
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    return proc.exitCode
  }
  t.teardown(stop)
  return {
    proc,
    lines,
    exited,
    stop,
    waitFor: (re, timeoutMs = 120_000) => {
      for (const line of lines) { const m = line.match(re); if (m) return Promise.resolve(m) }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.label}: no line matching ${re} within ${timeoutMs} ms. Log:\n${lines.join('\n')}`)), timeoutMs)
        waiters.push({ re, resolve: (m) => { clearTimeout(timer); resolve(m) } })
      })
    },
  }
}
