// Real render nodes for tests: test scenes made by Blender at test time, node processes started
// with the real node/main.ts (one process each: `node --import tsx`, so SIGKILL hits the node
// itself), their output collected, and a few helpers to follow jobs over the API.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import type { JobView } from '../../schemas/generated/types.ts'
import type { startTestServer } from '../helpers/server.ts'
import { startTs, type Proc } from '../helpers/processes.ts'

interface Tap { teardown: (fn: () => unknown) => void }

let sceneDir: string | undefined

/** Makes the test scenes once per test process (tiny, nocam, denoise, movie, exr, slow[, heavy]). */
export function testScenes (heavySamples = 0): string {
  if (sceneDir && !heavySamples) return sceneDir
  const dir = mkdtempSync(join(tmpdir(), 'rfam-scenes-'))
  const res = spawnSync('blender', ['-b', '--factory-startup', '--python-exit-code', '1', '--python', join(repoRoot, 'test', 'node', 'make-scenes.py'), '--', dir, ...(heavySamples ? [String(heavySamples)] : [])], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`making test scenes failed:\n${res.stdout}\n${res.stderr}`)
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  if (!heavySamples) sceneDir = dir
  return dir
}

/**
 * Makes the .blend files that reach outside their project (make-hostile.py: fileout, texture,
 * probe) into a new folder, from tiny.blend; returns the folder.
 */
export function hostileScenes (spec: { outside: string, otherTexture: string, otherTextureRelative: string, probe: { read: string[], write: string[], host: string, port: number } }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-hostile-'))
  const res = spawnSync('blender', ['-b', join(testScenes(), 'tiny.blend'), '--factory-startup', '--python-exit-code', '1', '--python', join(repoRoot, 'test', 'node', 'make-hostile.py'), '--', dir, JSON.stringify(spec)], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`making hostile scenes failed:\n${res.stdout}\n${res.stderr}`)
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function copyScene (name: string, to: string, as = name, from = testScenes()): void {
  mkdirSync(to, { recursive: true })
  copyFileSync(join(from, name), join(to, as))
}

/**
 * A bwrap that cannot run, as in a container without user namespaces (a node's "bwrap" setting
 * pointed at it): it prints bubblewrap's own complaint and exits 1.
 */
export function failingBwrap (t: Tap): string {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bwrap-'))
  const file = join(dir, 'bwrap')
  writeFileSync(file, '#!/bin/sh\necho "bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n', { mode: 0o755 })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return file
}

export interface NodeProcess extends Proc {
  name: string
  /** Its configuration file. */
  config: string
  /** Pids of the Blenders it started, from its log. */
  blenderPids: () => number[]
}

export function startNode (t: Tap, options: { server: string, credential: string, name: string, shareRoot: string, processes?: number[], extra?: Record<string, unknown> }): NodeProcess {
  const dir = mkdtempSync(join(tmpdir(), `rfam-node-${options.name}-`))
  const config = join(dir, 'node.json')
  writeFileSync(config, JSON.stringify({
    name: options.name,
    server: options.server,
    credential: options.credential,
    shares: [{ ident: 'data', path: options.shareRoot }],
    processes: options.processes ?? [1],
    blender: 'blender',
    nice: 0,
    ...options.extra,
  }))
  const node = startTs(t, 'node/main.ts', ['--config', config], { label: options.name })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return {
    ...node,
    name: options.name,
    config,
    blenderPids: () => node.lines.flatMap((l) => { const m = / pid (\d+)$/.exec(l); return m ? [Number(m[1])] : [] }),
  }
}

export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A zombie (exited, not yet reaped) counts as gone.
  const status = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()
  return status !== '' && !status.startsWith('Z')
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function until<T> (check: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, what = 'condition'): Promise<T> {
  const start = Date.now()
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Logs in over HTTP and returns a function for JSON calls with that session. */
export async function apiSession (base: string, user = 'alex', project = 'demo') {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project, user }) })
  if (!res.ok) throw new Error(`log-in failed: ${res.status} ${await res.text()}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
  return async function api<T = any> (method: string, path: string, body?: unknown): Promise<{ status: number, body: T }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await fetch(`${base}${path}`, { method, headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) as T : undefined as T }
  }
}

/**
 * A real server with the demo project holding these test scenes in shots/, a farm credential and
 * an API session: what most node tests start from. `finished` waits for a job to end.
 */
export async function farmWithScenes (t: Parameters<typeof startTestServer>[0], scenes: string[], farmSettings: Record<string, unknown> = {}) {
  // Loaded here: benchmarks use this module without tap.
  const { startTestServer: start } = await import('../helpers/server.ts')
  const s = await start(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, ...farmSettings } } })
  const project = s.projectDir('demo')
  for (const scene of scenes) copyScene(scene, join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const api = await apiSession(s.url)
  const shareRoot = s.config.shares.root('data')
  /** Starts a node on this server and waits until it is connected. */
  const node = async (name: string, processes: number[], extra: Record<string, unknown> = {}) => {
    const n = startNode(t, { server: s.url, credential, name, shareRoot, processes, extra })
    await n.waitFor(/connected to/)
    return n
  }
  const finished = (id: string) => until(async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, 180_000, `job ${id} finished`)
  return { s, project, api, node, finished }
}
