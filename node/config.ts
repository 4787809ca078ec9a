// A render node's configuration (schemas/node-config.schema.json), checked at start: a bad file
// stops the node with the file, the field and what was expected. Shares and 'file:' credentials
// are relative to the configuration file's folder; the name defaults to the host name.
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { NodeConfig } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'
import { Shares } from '../server/store/named-paths.ts'

export interface RenderNodeConfig {
  file: string
  name: string
  server: string
  credential: string
  shares: Shares
  processes: number[]
  provides: string[]
  blender: string
  nice: number
  scripting: boolean
  singleUse: boolean
  jitterSeconds: number
  /** How long a Blender stays open after a run for more frames of the same file (0: never). */
  keepBlenderSeconds: number
}

export class NodeConfigError extends Error {}

/** The host name, made into a valid node name. */
export function defaultNodeName (): string {
  const name = hostname().replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64)
  return name || 'node'
}

export function loadNodeConfig (file: string): RenderNodeConfig {
  const abs = resolve(file)
  let raw: NodeConfig
  try {
    raw = JSON.parse(readFileSync(abs, 'utf8')) as NodeConfig
  } catch (err) {
    throw new NodeConfigError(`${abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(err as Error).message})`}`)
  }
  const problem = validator().check('node-config.schema.json', raw)
  if (problem) throw new NodeConfigError(`${abs}: ${problem}`)
  const base = dirname(abs)
  const roots = new Map<string, string>()
  for (const share of raw.shares) {
    if (roots.has(share.ident)) throw new NodeConfigError(`${abs}: /shares lists "${share.ident}" twice.`)
    roots.set(share.ident, resolve(base, share.path))
  }
  let credential = raw.credential
  if (credential.startsWith('file:')) {
    const path = resolve(base, credential.slice(5))
    try {
      credential = readFileSync(path, 'utf8').trim()
    } catch {
      throw new NodeConfigError(`${abs}: /credential names the file ${path}, which cannot be read.`)
    }
    if (!credential) throw new NodeConfigError(`${abs}: /credential names the file ${path}, which is empty.`)
  }
  return {
    file: abs,
    name: raw.name ?? defaultNodeName(),
    server: raw.server.replace(/\/+$/, ''),
    credential,
    shares: new Shares(roots),
    processes: raw.processes ?? [0],
    provides: raw.provides ?? [],
    blender: raw.blender ?? 'blender',
    nice: raw.nice ?? 10,
    scripting: raw.scripting ?? false,
    singleUse: raw.singleUse ?? false,
    jitterSeconds: raw.jitterSeconds ?? 0,
    keepBlenderSeconds: raw.keepBlenderSeconds ?? 60,
  }
}
