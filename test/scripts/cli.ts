// Runs one of the scripts/ commands against a test's RFAM folder (config, users, projects) made by
// makeSite: in process (its exported main, with strings for stdin, stdout and stderr) or, once per
// script as a smoke test, as a real child process the way `npm run` does.
import { spawn } from 'node:child_process'
import { Readable } from 'node:stream'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { testFolder } from '../helpers/folders.ts'
import type { ScriptIo } from '../../scripts/script-io.ts'

export interface CliResult { code: number, stdout: string, stderr: string }

type Main = (argv: string[], io: ScriptIo) => Promise<number>

/**
 * Runs a script's main() in this process, as runScript runs the script: RFAM_CONFIG set to `config`
 * while it runs, `stdin` piped in (not a terminal), its output collected; a throw exits 1.
 */
export async function runMain (main: Main, args: string[], options: { config?: string, stdin?: string } = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const io: ScriptIo = {
    stdin: Readable.from(options.stdin ? [Buffer.from(options.stdin)] : [], { objectMode: false }),
    out: (line) => { stdout += `${line}\n` },
    err: (line, partial) => { stderr += partial ? line : `${line}\n` },
  }
  const before = process.env.RFAM_CONFIG
  if (options.config) process.env.RFAM_CONFIG = options.config
  try {
    return { code: await main(args, io), stdout, stderr }
  } catch (err) {
    return { code: 1, stdout, stderr: `${stderr}${(err as Error).stack ?? String(err)}\n` }
  } finally {
    if (before === undefined) delete process.env.RFAM_CONFIG
    else process.env.RFAM_CONFIG = before
  }
}

export function runScript (script: string, args: string[], options: { config?: string, stdin?: string, env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', script), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...(options.config ? { RFAM_CONFIG: options.config } : {}), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}

export interface Site { dir: string, config: string, users: string, projects: string }

interface Tap { teardown: (fn: () => unknown) => void }

/** A folder with a server config and the named projects (files only; no server runs). */
export function makeSite (t: Tap, projects: string[] = ['red', 'blue']): Site {
  const dir = testFolder(t, 'cli')
  const config = writeTestConfig(dir, { demo: false })
  const site = { dir, config, users: join(dir, 'users'), projects: join(dir, 'projects') }
  mkdirSync(site.users, { recursive: true })
  mkdirSync(site.projects, { recursive: true })
  for (const p of projects) {
    writeFileSync(join(site.projects, `${p}.json`), JSON.stringify({ ident: p, name: `Team ${p}`, directory: `data::${p}` }))
  }
  return site
}

export const listDir = (dir: string) => readdirSync(dir).sort()
