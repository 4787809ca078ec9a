// A render node's configuration (schemas/node-config.schema.json), checked at start: a bad file
// stops the node with the file, the field and what was expected. Shares and 'file:' credentials
// are relative to the configuration file's folder; the name defaults to the host name.
import { availableParallelism, hostname } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { NodeConfig, NodeDevice } from '../schemas/generated/types.ts'
import { ConfigError as NodeConfigError, readCredential, readJsonFile } from '../common/read-json-file.ts'
import { Shares } from '../common/named-paths.ts'
import type { LogLevel } from '../common/log.ts'

export interface RenderNodeConfig {
  file: string
  name: string
  server: string
  credential: string
  shares: Shares
  /** It mounts no share: job files come from the server into `cacheDir` (shipped-files.ts). */
  noShare: boolean
  cacheDir: string
  cacheLimitBytes: number
  processes: number[]
  provides: string[]
  /** The default Blender (the first of `blenders`). */
  blender: string
  /** Every Blender of the node, the default first (each asked for its version at start: blender-probe.ts). */
  blenders: string[]
  /** Its render devices (CPU only unless the file lists GPUs). */
  devices: NodeDevice[]
  /** The bubblewrap executable Blender runs in (sandbox.ts). */
  bwrap: string
  nice: number
  scripting: boolean
  singleUse: boolean
  jitterSeconds: number
  /** How long a Blender stays open after a run for more frames of the same file (0: never). */
  keepBlenderSeconds: number
  /** Keep an empty Blender started in each free slot, ready for work. */
  readyBlender: boolean
  logLevel: LogLevel
}

/** A settings file that cannot be used: its message names the file, the field and what was expected. */
export { NodeConfigError }

/** The host name, made into a valid node name. */
export function defaultNodeName (): string {
  const name = hostname().replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64)
  return name || 'node'
}

/**
 * Whether these processes together use more threads than the machine has cores (thread count 0:
 * Blender uses every core): then two Blenders of one job compete for the same cores, and the
 * server gives a job of long frames to one of them at a time (FarmHello.sharedCores).
 */
export function processesShareCores (processes: number[], cores = availableParallelism()): boolean {
  if (processes.length < 2) return false
  return processes.reduce((sum, threads) => sum + (threads > 0 ? threads : cores), 0) > cores
}

export function loadNodeConfig (file: string): RenderNodeConfig {
  const abs = resolve(file)
  const raw = readJsonFile<NodeConfig>(abs, 'node-config.schema.json')
  const base = dirname(abs)
  const roots = new Map<string, string>()
  for (const share of raw.shares ?? []) {
    if (roots.has(share.ident)) throw new NodeConfigError(`${abs}: /shares lists "${share.ident}" twice.`)
    roots.set(share.ident, resolve(base, share.path))
  }
  const credential = readCredential(raw.credential, base, abs)
  const blenders = raw.blenders?.length ? raw.blenders.map((b) => b.path) : [raw.blender ?? 'blender']
  return {
    file: abs,
    name: raw.name ?? defaultNodeName(),
    server: raw.server.replace(/\/+$/, ''),
    credential,
    shares: new Shares(roots),
    noShare: raw.noShare === true || roots.size === 0,
    cacheDir: resolve(base, raw.cacheDir ?? 'rfam-cache'),
    cacheLimitBytes: Math.round((raw.cacheLimitGB ?? 20) * 1e9),
    processes: raw.processes ?? [0],
    provides: raw.provides ?? [],
    blender: blenders[0]!,
    blenders,
    devices: raw.devices?.length ? raw.devices : [{ type: 'CPU', count: 1 }],
    bwrap: raw.bwrap ?? 'bwrap',
    nice: raw.nice ?? 10,
    scripting: raw.scripting ?? false,
    singleUse: raw.singleUse ?? false,
    jitterSeconds: raw.jitterSeconds ?? 0,
    keepBlenderSeconds: raw.keepBlenderSeconds ?? 60,
    readyBlender: raw.readyBlender ?? true,
    logLevel: raw.logLevel ?? 'info',
  }
}
