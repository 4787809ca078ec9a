// Real render nodes for tests: test scenes made by Blender at test time, node processes started
// with the real node/main.ts (one process each: `node --import tsx`, so SIGKILL hits the node
// itself), their output collected, and a few helpers to follow jobs over the API.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import type { JobView } from '../../schemas/generated/types.ts'
import type { Farm } from '../../server/farm/farm.ts'
import type { startTestServer } from '../helpers/server.ts'
import { startTs, type Proc } from '../helpers/processes.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'

let sceneDir: string | undefined

/** Makes the test scenes once per test process (tiny, nocam, denoise, movie, exr, slow[, heavy]). */
export function testScenes (heavySamples = 0): string {
  if (sceneDir && !heavySamples) return sceneDir
  // Shared by every test of the process (and by benchmarks, which run without tap): a temporary
  // folder of the process, removed when it exits, not a folder of one test.
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
export function hostileScenes (t: Tap, spec: { outside: string, otherTexture: string, otherTextureRelative: string, probe: { read: string[], write: string[], host: string, port: number } }): string {
  const dir = testFolder(t, 'hostile')
  const res = spawnSync('blender', ['-b', join(testScenes(), 'tiny.blend'), '--factory-startup', '--python-exit-code', '1', '--python', join(repoRoot, 'test', 'node', 'make-hostile.py'), '--', dir, JSON.stringify(spec)], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`making hostile scenes failed:\n${res.stdout}\n${res.stderr}`)
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
  const file = join(testFolder(t, 'bwrap'), 'bwrap')
  writeFileSync(file, '#!/bin/sh\necho "bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n', { mode: 0o755 })
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
  const config = join(testFolder(t, `node-${options.name}`), 'node.json')
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
  return {
    ...node,
    name: options.name,
    config,
    blenderPids: () => node.logs.flatMap((e) => e.msg === 'rendering' && typeof e.blenderPid === 'number' ? [e.blenderPid] : []),
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

/** The Blender processes below process `pid` (in a sandbox or not), started or still starting. */
export function blendersOf (pid: number): number[] {
  const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/))
  const below = new Set([pid])
  for (let grew = true; grew;) {
    grew = false
    for (const [p, parent] of table) if (below.has(Number(parent)) && !below.has(Number(p))) { below.add(Number(p)); grew = true }
  }
  return table.filter(([p, , comm]) => below.has(Number(p)) && Number(p) !== pid && /^blender/.test(comm ?? '')).map(([p]) => Number(p))
}

/** How many times node `name` has asked the (in-process) farm for work. */
export function workRequests (farm: Farm, name: string): number {
  return farm.registry.nodes.get(name)?.polls ?? 0
}

/**
 * Waits until the farm holds a request for work of node `name` made after its `after`-th, with a
 * free process: the node asked (again) for work and was given none. Returns that request's number.
 */
export function waitingForWork (farm: Farm, name: string, after = 0): Promise<number> {
  return until(`${name} waiting for work (after its request ${after})`, () => {
    const node = farm.registry.nodes.get(name)
    return node && node.polls > after && (node.waiter?.free ?? 0) > 0 ? node.polls : 0
  }, { timeoutMs: 60_000 })
}

/**
 * A real server with the demo project holding these test scenes in shots/, a farm credential and
 * an API session: what most node tests start from (`config`: more of the server's configuration,
 * such as its shares). `finished` waits for a job to end.
 */
export async function farmWithScenes (t: Parameters<typeof startTestServer>[0], scenes: string[], farmSettings: Record<string, unknown> = {}, config: Record<string, unknown> = {}) {
  // Loaded here: benchmarks use this module without tap.
  const { startTestServer: start } = await import('../helpers/server.ts')
  const s = await start(t, { listen: true, config: { ...config, farmSettings: { heartbeatSeconds: 1, ...farmSettings } } })
  const project = s.projectDir('demo')
  for (const scene of scenes) copyScene(scene, join(project, 'shots'))
  const credential = await s.app.farm.credentials.create('test')
  const { api } = await logIn(s.url, 'alex')
  const shareRoot = s.config.shares.root('data')
  /** Starts a node on this server and waits until it is connected. */
  const node = async (name: string, processes: number[], extra: Record<string, unknown> = {}) => {
    const n = startNode(t, { server: s.url, credential, name, shareRoot, processes, extra })
    await n.waitForLog({ msg: 'connected to the server', node: name })
    return n
  }
  const finished = (id: string) => until(`job ${id} finished`, async () => {
    const { body } = await api<JobView>('GET', `/api/projects/demo/jobs/${id}`)
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined
  }, { timeoutMs: 180_000 })
  return { s, project, api, node, finished }
}
