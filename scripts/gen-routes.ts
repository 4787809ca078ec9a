// Generates from the route contract (schemas/routes/*.routes.json) what must agree with it:
// schemas/generated/routes.ts (the server's route table and handler types), web/src/api/*.ts
// (the web UI's typed client), common/farm-client.ts (the farm protocol's client, for render nodes
// and prenodes), blender-addon/rfam/api.py (the add-on's client) and docs/api.md (with
// docs/api.intro.md as its introduction). Run with `npm run gen`;
// a test fails when a committed file is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadSchemas, schemaDir } from '../schemas/load.ts'
import { loadRouteAreas } from '../schemas/route-contract.ts'
import { serverTable } from './routes/server-table.ts'
import { apiDocs } from './routes/api-docs.ts'
import { webClient } from './routes/web-client.ts'
import { pythonClient } from './routes/python-client.ts'
import { farmClient } from './routes/farm-client.ts'

const root = join(schemaDir, '..')

/** Every generated file, by path, with its fresh contents. */
export function generateRouteFiles (): Map<string, string> {
  const schemas = loadSchemas()
  const areas = loadRouteAreas(undefined, schemas)
  const web = webClient(areas, schemas)
  return new Map([
    [join(schemaDir, 'generated', 'routes.ts'), serverTable(areas, schemas)],
    [join(root, 'web', 'src', 'api', 'urls.ts'), web.urls],
    [join(root, 'web', 'src', 'api', 'routes.ts'), web.routes],
    [join(root, 'common', 'farm-client.ts'), farmClient(areas, schemas)],
    [join(root, 'blender-addon', 'rfam', 'api.py'), pythonClient(areas)],
    [join(root, 'docs', 'api.md'), apiDocs(readFileSync(join(root, 'docs', 'api.intro.md'), 'utf8'), areas, schemas)],
  ])
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [file, text] of generateRouteFiles()) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
    console.log(`wrote ${relative(root, file)}`)
  }
}
