// The server as `npm start` runs it (the bundle, built once per test process), for tests that kill
// it for real (SIGKILL) and start it again on the same folders; its output (both streams) kept line
// by line. Plus plain HTTP calls against it, as the web UI and render nodes make them.
import { spawn, type ChildProcess } from 'node:child_process'
import { listeningUrl, serverBundle } from '../bench/server-process.ts'

interface Tap { teardown: (fn: () => unknown) => void }

export interface RealServer { child: ChildProcess, url: string, lines: string[] }

/** Starts the server on this configuration; rejects (with its output) when it stops instead. */
export async function startRealServer (t: Tap, configFile: string): Promise<RealServer> {
  const child = spawn(process.execPath, [await serverBundle()], { env: { ...process.env, RFAM_CONFIG: configFile }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const keep = (d: Buffer) => { for (const l of d.toString().split('\n')) if (l) lines.push(l) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  t.teardown(() => kill({ child }))
  try {
    return { child, url: await listeningUrl(child), lines }
  } catch (err) {
    await new Promise((resolve) => setTimeout(resolve, 200)) // the rest of its output
    throw new Error(`${(err as Error).message}\n${lines.join('\n')}`)
  }
}

/** SIGKILL: no clean stop, nothing written on the way out. */
export function kill (server: { child: ChildProcess }): Promise<void> {
  const { child } = server
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

export interface Reply { status: number, body: any }

export async function call (server: RealServer, method: string, path: string, bearer: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try { parsed = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, body: parsed }
}

/** Logs in to the demo project; returns the bearer token. */
export async function login (server: RealServer, user = 'mia', secret?: string): Promise<string> {
  const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project: 'demo', user, ...(secret ? { secret } : {}) }) })
  if (res.status !== 200) throw new Error(`log-in failed: ${res.status} ${await res.text()}`)
  return res.headers.get('x-rfam-token')!
}
