// web/src/api/urls.ts and routes.ts: the web UI's client of the route contract. `urls` builds every
// route's URL (each parameter encoded; an asset's path one segment at a time), `api` calls each JSON
// route with typed parameters, body and reply. Routes for render nodes (access 'farm') are left out: a browser
// never holds a farm credential.
import type { SchemaDocument } from '../../schemas/load.ts'
import { allRoutes, pathParams, type ContractRoute, type RouteArea } from '../../schemas/route-contract.ts'
import { banner } from './server-table.ts'
import { routeTsTypes } from './ts-types.ts'

/** The client's name of a path parameter: the final '*' is the asset's `path`. */
export const paramName = (p: string) => (p === '*' ? 'path' : p)

/** `${code}` as written inside a generated template literal. */
const placeholder = (code: string) => `\${${code}}`

function urlBuilder (route: ContractRoute, params: string, query: string): string {
  const path = route.path.split('/').map((part) =>
    part === '*' ? placeholder('rest(p.path)') : part.startsWith(':') ? placeholder(`seg(p.${part.slice(1)})`) : part).join('/')
  const args = [pathParams(route.path).length > 0 ? `p: ${params}` : '', route.query ? `q: ${query} = {}` : ''].filter(Boolean)
  const url = `${path}${route.query ? placeholder('search(q)') : ''}`
  const literal = url.includes('${') ? `\`${url}\`` : `'${url}'` // a template literal only where something is put in
  return `  ${route.id}: (${args.join(', ')}) => ${literal},`
}

function caller (route: ContractRoute, t: ReturnType<typeof routeTsTypes>): string | undefined {
  const media = route.reply?.media ?? 'json'
  if (route.reply && media !== 'json' && !route.reply.jsonWhen) return undefined // pictures, events, text: urls only
  const args: string[] = []
  const urlArgs: string[] = []
  if (pathParams(route.path).length > 0) { args.push(`p: ${t.params}`); urlArgs.push('p') }
  if (route.reply?.jsonWhen) urlArgs.push(`{ ${Object.entries(route.reply.jsonWhen).map(([k, v]) => `${k}: '${v}'`).join(', ')} }`)
  else if (route.query) { args.push(`q: ${t.query} = {}`); urlArgs.push('q') }
  if (route.body) args.push(`body: ${t.body}`)
  if (route.upload === 'files') args.push('files: File[]')
  else if (route.upload) args.push('file: File')
  args.push('options: CallOptions = {}')
  const reply = t.reply === 'undefined' ? 'void' : t.reply
  const send = route.body ? ', { ...options, body }' : route.upload === 'files' ? ', { ...options, body: upload(...files) }' : route.upload ? ', { ...options, body: upload(file) }' : ', options'
  return `  /** ${route.summary} (${route.method} ${route.path}) */\n` +
    `  ${route.id}: (${args.join(', ')}) => call<${reply}>('${route.method}', urls.${route.id}(${urlArgs.join(', ')})${send}),`
}

/** Both generated modules: urls.ts (no imports, so i18n and live updates use it without a cycle) and routes.ts. */
export function webClient (areas: RouteArea[], schemas: SchemaDocument[]): { urls: string, routes: string } {
  const routes = allRoutes(areas).filter((r) => r.access !== 'farm')
  const names = new Set<string>()
  const urlNames = new Set<string>()
  const urls: string[] = []
  const calls: string[] = []
  for (const route of routes) {
    const t = routeTsTypes(route, schemas)
    const params = `{ ${pathParams(route.path).map((p) => `${paramName(p)}: string`).join(', ')} }`
    const query = t.query.replace(/; /g, ', ')
    urls.push(urlBuilder(route, params, query))
    // Whole names only: 'History' is in the query's 'HistoryLimit', and is not used there.
    t.names.filter((n) => new RegExp(`\\b${n}\\b`).test(query)).forEach((n) => urlNames.add(n))
    const call = caller(route, { ...t, params, query })
    if (call) {
      calls.push(call)
      t.names.forEach((n) => names.add(n))
    }
  }
  const typeImport = (list: Set<string>) => (list.size > 0 ? [`import type { ${[...list].sort().join(', ')} } from '../../../schemas/generated/types.ts'`] : [])
  return {
    urls: generatedModule(typeImport(urlNames), [
      'const seg = encodeURIComponent',
      '/** An asset\'s path inside the project, one segment at a time, keeping the slashes. */',
      'const rest = (path: string) => path.split(\'/\').map(encodeURIComponent).join(\'/\')',
      'const search = (q: Record<string, string | undefined>) => {',
      '  const given = Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)',
      `  return given.length > 0 ? \`?${placeholder('new URLSearchParams(given).toString()')}\` : ''`,
      '}',
    ], '/** The URL of every route people use, by route id: for calls, links, pictures, downloads and event streams. */', 'urls', urls),
    routes: generatedModule([
      ...typeImport(names),
      "import { call, type CallOptions } from '../controllers/api-client.ts'",
      "import { urls } from './urls.ts'",
    ], [
      "export { urls } from './urls.ts'",
      '',
      '/** Files as multipart form data, each under the field name \'file\'. */',
      'const upload = (...files: File[]) => { const form = new FormData(); for (const file of files) form.append(\'file\', file, file.name); return form }',
    ], '/** Every route that answers JSON (or nothing), by route id, with typed parameters, body and reply. */', 'api', calls),
  }
}

/**
 * One generated module of the web client, as both are laid out: the banner, its imports, the helpers
 * the entries use, then `export const <name> = { … }` holding one entry a line.
 */
function generatedModule (imports: string[], helpers: string[], doc: string, name: string, entries: string[]): string {
  return [`/* ${banner('')} */`, ...imports, '', ...helpers, '', doc, `export const ${name} = {`, ...entries, '}', ''].join('\n')
}
