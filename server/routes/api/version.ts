// GET /api/version: which RFAM this is and a fingerprint of its contract (schemas/*.schema.json and
// schemas/routes/*.routes.json).
// Public, so a client can tell "wrong version" apart from "wrong password" before logging in;
// the Blender add-on computes the same fingerprint over the copy it ships.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { ServerVersion } from '../../../schemas/generated/types.ts'
import { contractFileNames, schemaDir } from '../../../schemas/load.ts'
import { repoRoot } from '../../config/load-config.ts'
import { registerRoutes } from '../register-routes.ts'

/** sha256 over every contract file in name order: name, newline, bytes, newline (see api-version.schema.json). */
export function contractHash (dir = schemaDir, files = contractFileNames(dir)): string {
  const hash = createHash('sha256')
  for (const name of [...files].sort()) {
    hash.update(`${name}\n`)
    hash.update(readFileSync(join(dir, name)))
    hash.update('\n')
  }
  return hash.digest('hex')
}

export async function versionRoutes (app: FastifyInstance): Promise<void> {
  const body: ServerVersion = {
    version: (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    schemas: contractHash(),
  }
  registerRoutes(app, { getVersion: async () => body })
}
