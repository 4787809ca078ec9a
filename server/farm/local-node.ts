// The demo render node: on first start the server creates a farm credential called "local" and
// writes <secrets>/local-node.json, a node configuration for this machine (same shares, this
// server's address), so `npx tsx node/main.ts --config <that file>` renders right away.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { NodeConfig } from '../../schemas/generated/types.ts'
import type { Farm } from './farm.ts'

export const LOCAL_NODE_FILE = 'local-node.json'

export async function writeLocalNodeConfig (app: FastifyInstance, farm: Farm): Promise<string | null> {
  const rfam = (app as Partial<FastifyInstance>).rfam
  if (!rfam) return null
  const { config } = rfam
  const address = app.server.address()
  if (!address || typeof address !== 'object') return null
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const server = config.publicUrl ?? `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`
  const file = join(config.secretsDir, LOCAL_NODE_FILE)
  let existing: NodeConfig | null = null
  try { existing = JSON.parse(await readFile(file, 'utf8')) as NodeConfig } catch { existing = null }
  const credential = existing && farm.credentials.verify(existing.credential) ? existing.credential : await farm.credentials.create('local')
  const node: NodeConfig = {
    name: existing?.name ?? 'local',
    server,
    credential,
    shares: config.shares.names().map((ident) => ({ ident, path: config.shares.root(ident) })),
    processes: existing?.processes ?? [0],
    provides: existing?.provides ?? [],
    blender: existing?.blender ?? 'blender',
    nice: existing?.nice ?? 10,
    scripting: existing?.scripting ?? false,
  }
  await writeFile(file, JSON.stringify(node, null, 2) + '\n', { mode: 0o600 })
  return file
}
