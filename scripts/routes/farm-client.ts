// common/farm-client.ts: the client of the farm protocol that render nodes and prenodes use, typed
// from the generated schema types: every route with access 'farm', by route id. The caller gives the
// sender (common/farm-call.ts's ServerClient: base URL and farm credential, timeouts, errors) and,
// per call, its abort signal and timeout. Nothing else of the contract is in it: a node or a prenode
// speaks only the farm protocol.
import type { SchemaDocument } from '../../schemas/load.ts'
import { allRoutes, pathParams, type ContractRoute, type RouteArea } from '../../schemas/route-contract.ts'
import { banner } from './server-table.ts'
import { routeTsTypes } from './ts-types.ts'

/**
 * The routes the client has: those of the farm protocol, but for the transfers of files (a file
 * reply, a PUT of raw bytes), which a node streams itself (node/transfer.ts).
 */
export const farmRoutes = (areas: RouteArea[]) => allRoutes(areas).filter((r) => r.access === 'farm' && !streamsBytes(r))

const streamsBytes = (r: ContractRoute) => r.reply?.media === 'file' || (r.method === 'PUT' && !r.body)

/** `${code}` as written inside a generated template literal. */
const placeholder = (code: string) => `\${${code}}`

function caller (route: ContractRoute, schemas: SchemaDocument[], names: Set<string>): string {
  const at = `${route.id} (${route.method} ${route.path})`
  if (route.query || route.upload) throw new Error(`${at}: the farm client sends a JSON body only, no query or upload`)
  if (route.reply && (route.reply.media ?? 'json') !== 'json') throw new Error(`${at}: the farm client takes JSON replies only`)
  const t = routeTsTypes(route, schemas)
  t.names.forEach((n) => names.add(n))
  const params = pathParams(route.path)
  if (params.includes('*')) throw new Error(`${at}: the farm client has no '*' paths`)
  const path = route.path.split('/').map((part) => (part.startsWith(':') ? placeholder(`encodeURIComponent(p.${part.slice(1)})`) : part)).join('/')
  const args = [
    ...(params.length > 0 ? [`p: { ${params.map((p) => `${p}: string`).join(', ')} }`] : []),
    ...(route.body ? [`body: ${t.body}`] : []),
    'options?: FarmCallOptions',
  ]
  const url = path.includes('${') ? `\`${path}\`` : `'${path}'`
  const reply = t.reply === 'undefined' ? 'void' : t.reply
  return `    /** ${route.summary} (${route.method} ${route.path}) */\n` +
    `    ${route.id}: (${args.join(', ')}) => server.send<${reply}>('${route.method}', ${url}, ${route.body ? 'body' : 'undefined'}, options),`
}

/** The path of a byte transfer (streamed by the node itself), by route id. */
function transferPath (route: ContractRoute): string {
  const params = pathParams(route.path)
  const path = route.path.split('/').map((part) => (part.startsWith(':') ? placeholder(`encodeURIComponent(p.${part.slice(1)})`) : part)).join('/')
  return `  /** ${route.summary} (${route.method} ${route.path}) */\n` +
    `  ${route.id}: (p: { ${params.map((n) => `${n}: string`).join(', ')} }) => \`${path}\`,`
}

export function farmClient (areas: RouteArea[], schemas: SchemaDocument[]): string {
  const names = new Set<string>()
  const calls = farmRoutes(areas).map((r) => caller(r, schemas, names))
  const transfers = allRoutes(areas).filter((r) => r.access === 'farm' && streamsBytes(r)).map(transferPath)
  return [
    `/* ${banner(' (the routes with access \'farm\')')} */`,
    ...(names.size > 0 ? [`import type { ${[...names].sort().join(', ')} } from '../schemas/generated/types.ts'`] : []),
    '',
    'export interface FarmCallOptions {',
    '  /** The caller\'s own abort, rethrown as is. */',
    '  signal?: AbortSignal',
    '  /** How long the whole request may take (the sender\'s default unless given). */',
    '  timeoutMs?: number',
    '}',
    '',
    '/** What sends each call: farm-call.ts\'s ServerClient (base URL and farm credential), or a test\'s stand-in. */',
    'export interface FarmSender {',
    '  send<T> (method: string, path: string, body: unknown, options?: FarmCallOptions): Promise<T>',
    '}',
    '',
    '/**',
    ' * The farm protocol, by route id, with typed body and reply: what render nodes and prenodes send.',
    ' * `server` sends it: a ServerClient knows the base URL and the farm credential; each call takes its',
    ' * own abort signal and timeout. A refusal rejects with a ServerError, no answer in time with a ServerTimeout.',
    ' */',
    'export function farmClient (server: FarmSender) {',
    '  return {',
    ...calls,
    '  }',
    '}',
    '',
    'export type FarmClient = ReturnType<typeof farmClient>',
    '',
    '/** The paths of the byte transfers (a file reply, a PUT of raw bytes), which a node streams itself. */',
    'export const farmTransferPaths = {',
    ...transfers,
    '}',
    '',
  ].join('\n')
}
