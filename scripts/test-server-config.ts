// The server.json of a throwaway server on a folder of its own: on 127.0.0.1 and a free port, with
// the embedded defaults sets and languages, quiet, no local node. The tests' servers start on it
// (test/helpers/server.ts), and so do the screenshot tools (scripts/screenshots.ts,
// blender-addon/tools/screenshot.ts); a tool never imports test/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../server/config/load-config.ts'

/** Writes <dir>/server.json (`extra` on top of the defaults) and returns its path. */
export function writeTestConfig (dir: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'server.json')
  writeFileSync(file, JSON.stringify({
    host: '127.0.0.1',
    port: 0,
    shares: [{ ident: 'data', path: 'data' }],
    users: 'users',
    projects: 'projects',
    farm: 'farm',
    secrets: 'secrets',
    defaults: join(repoRoot, 'config', 'defaults'),
    languages: join(repoRoot, 'config', 'languages'),
    logLevel: 'silent',
    rescanSeconds: 30,
    localNode: false,
    ...extra,
  }, null, 2))
  return file
}
