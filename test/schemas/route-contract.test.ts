// The route contract (schemas/routes/*.routes.json): it reads cleanly, its mistakes are named, the
// error codes it lists exist in the server, and what is generated from it is committed fresh.
import t from 'tap'
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { schemaDir } from '../../schemas/load.ts'
import { allRoutes, loadRouteAreas, pathParams, routeDir } from '../../schemas/route-contract.ts'
import { generateRouteFiles } from '../../scripts/gen-routes.ts'

const root = join(schemaDir, '..')

t.test('the contract reads cleanly and names every route once', async (t) => {
  const areas = loadRouteAreas()
  const routes = allRoutes(areas)
  t.ok(routes.length >= 51, `${routes.length} routes`)
  t.same(areas.map((a) => a.order), [...areas.map((a) => a.order)].sort((a, b) => a - b), 'areas in docs order')
  t.equal(new Set(routes.map((r) => r.id)).size, routes.length, 'ids are unique')
  t.same(pathParams('/api/projects/:project/jobs/:id'), ['project', 'id'])
  t.same(pathParams('/api/projects/:project/assets/*'), ['project', '*'])
})

t.test('what is generated from the contract is committed and fresh', async (t) => {
  for (const [file, fresh] of generateRouteFiles()) {
    const committed = readFileSync(file, 'utf8')
    t.ok(committed === fresh, `${relative(root, file)} is stale: the route contract changed after it was generated. Run \`npm run gen\` and commit the result.`)
  }
})

t.test('every error code the contract lists is one the server can answer', async (t) => {
  const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : [])
  // The server's own code, and the shared code it runs (common/ refuses paths with their codes).
  const server = [...sources(join(root, 'server')), ...sources(join(root, 'common'))].join('\n')
  for (const route of allRoutes(loadRouteAreas())) {
    for (const error of route.errors ?? []) t.ok(server.includes(`'${error.code}'`), `${route.id}: ${error.code} appears in server/ or common/`)
  }
})

t.test('mistakes in a route file are refused, each named', async (t) => {
  const dir = t.testdir()
  cpSync(routeDir, dir, { recursive: true })
  const file = join(dir, 'nodes.routes.json')
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { routes: Array<Record<string, unknown>> }
  let [list, pause] = doc.routes
  const edits: Array<[string, () => void, RegExp]> = [
    ['an unknown field', () => { list!.colour = 'red' }, /nodes\.routes\.json: .*unknown field "colour"/],
    ['a second route with one id', () => { pause!.id = 'listNodes' }, /listNodes .*the id is used in nodes\.routes\.json too/],
    ['a staff route without its sentence', () => { delete pause!.staffOnly }, /staffOnly goes with access "staff"/],
    ['a member route without :project', () => { list!.access = 'member' }, /access "member" needs :project/],
    ['a parameter not in the path', () => { list!.params = { id: { type: 'string' } } }, /params\.id is not in the path/],
    ['a $ref to no schema', () => { pause!.body = { $ref: 'api-no-such.schema.json#' } }, /api-no-such\.schema\.json# names no schema/],
    ['a GET with a body', () => { list!.body = { $ref: 'api-node-update.schema.json#' } }, /a GET takes no body/],
    ['an image serialized', () => { list!.reply = { media: 'image', serialize: true } }, /only a json reply can be serialized/],
  ]
  const original = JSON.stringify(doc)
  for (const [what, edit, message] of edits) {
    const fresh = JSON.parse(original) as typeof doc
    ;[list, pause] = [fresh.routes[0], fresh.routes[1]]
    edit()
    writeFileSync(file, JSON.stringify(fresh))
    t.throws(() => loadRouteAreas(dir), message, what)
  }
})

t.test('the web UI builds no API URL by hand: every call goes through the generated client', async (t) => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'api' ? [] : files(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
  for (const file of files(join(root, 'web', 'src'))) {
    const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line)).join('\n')
    t.notMatch(code, /['"`]\/api\/[a-z]/, `${relative(root, file)}: use urls.* or api.* from web/src/api/routes.ts`)
  }
})

t.test('the add-on builds no API URL by hand: every request comes from the generated api.py', async (t) => {
  const dir = join(root, 'blender-addon', 'rfam')
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.py') && f !== 'api.py')) {
    const code = readFileSync(join(dir, name), 'utf8').split('\n').filter((line) => !/^\s*#/.test(line)).join('\n')
    t.notMatch(code, /['"]\/api\/[a-z]/, `blender-addon/rfam/${name}: use a function of api.py`)
  }
})

t.test('the web client and the add-on\'s build the same paths, every parameter escaped', async (t) => {
  const { urls } = await import('../../web/src/api/urls.ts')
  const project = 'demo'
  const odd = 'shots/my shot #1/ä?.blend'
  const script = [
    'import importlib.util, json, sys',
    `spec = importlib.util.spec_from_file_location('api', ${JSON.stringify(join(root, 'blender-addon', 'rfam', 'api.py'))})`,
    'api = importlib.util.module_from_spec(spec); spec.loader.exec_module(api)',
    `print(json.dumps([api.get_asset('${project}', ${JSON.stringify(odd)}).path, api.get_job('${project}', 'a/b').path,`,
    `  api.get_todo('${project}', user='zoe').path, api.get_credits('${project}').path, api.update_user('z o', {}).path,`,
    `  api.list_files('${project}', ext='blend').path]))`,
  ].join('\n')
  const { spawnSync } = await import('node:child_process')
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  t.same(JSON.parse(run.stdout), [
    urls.getAsset({ project, path: odd }), urls.getJob({ project, id: 'a/b' }), urls.getTodo({ project }, { user: 'zoe' }),
    urls.getCredits({ project }, { format: 'json' }), urls.updateUser({ user: 'z o' }), urls.listFiles({ project }, { ext: 'blend' }),
  ])
  t.equal(urls.getAsset({ project, path: odd }), '/api/projects/demo/assets/shots/my%20shot%20%231/%C3%A4%3F.blend')
})
