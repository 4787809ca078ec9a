// Runs one of the scripts/ commands as a real child process, the way `npm run` does, against a
// temporary RFAM folder (config, users, projects) made by makeSite.
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { testFolder } from '../helpers/folders.ts'

export interface CliResult { code: number, stdout: string, stderr: string }

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
