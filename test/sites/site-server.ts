// Starts a real RFAM server as its own process (as `npm start` does, without the web build) on a
// given config file, logs in through its API, and stops it with SIGTERM like systemd would.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'

export interface SiteServer {
  name: string
  url: string
  /** Calls the API as the logged-in person; returns the status and the parsed body. */
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number, body: any }>
  stop: () => Promise<void>
}

interface Tap { teardown: (fn: () => unknown) => void }

export async function startSiteServer (t: Tap, name: string, configFile: string, login: { user: string, project: string }): Promise<SiteServer> {
  // node --import tsx is what `npx tsx` runs, minus the npx wrapper process, so SIGTERM reaches the server itself.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'server', 'main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, RFAM_CONFIG: configFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${name} did not start within 60 s:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /RFAM is running: open (http:\/\/\S+?)\/?\s/.exec(output)
      if (m) { clearTimeout(timer); resolve(m[1]!) }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server ${name} exited with ${code}:\n${output}`)) })
  })
  const session = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) })
  if (session.status !== 200) throw new Error(`log-in on ${name} failed: ${session.status} ${await session.text()}`)
  const cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return {
    name,
    url,
    api: async (method, path, body) => {
      const res = await fetch(url + path, {
        method,
        headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** Polls `check` until it is true; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function timeUntil (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const start = performance.now()
  for (;;) {
    if (await check()) return performance.now() - start
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export function summary (ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return `median ${at(0.5).toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms over ${ms.length}`
}
