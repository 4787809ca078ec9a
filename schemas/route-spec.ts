// The shape of the route contract (schemas/routes/*.routes.json, described by routes.meta.json), as
// TypeScript. No imports: the generated route table and the web client's build read it too.
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type RouteAccess = 'public' | 'user' | 'member' | 'staff' | 'farm'
export interface SchemaRef { $ref: string }
export type Media = 'json' | 'text' | 'image' | 'events' | 'file'

export interface RouteReply {
  status?: 200 | 201
  media?: Media
  schema?: SchemaRef
  jsonWhen?: Record<string, string>
  serialize?: boolean
  headers?: Record<string, string>
}

export interface QuerySchema {
  type: 'object'
  additionalProperties?: false
  properties: Record<string, { type?: 'string', enum?: string[], $ref?: string, tsType?: 'string', description?: string }>
}

/** One route of the contract, as its file says (see routes.meta.json for each field). */
export interface ContractRoute {
  id: string
  method: HttpMethod
  path: string
  access: RouteAccess
  staffOnly?: string
  summary: string
  notes?: string
  params?: Record<string, { type?: 'string', format?: string, $ref?: string, description?: string }>
  query?: QuerySchema
  body?: SchemaRef
  /** true: one file in the field 'file'; 'files': several, each in a field 'file'. */
  upload?: true | 'files'
  reply?: RouteReply
  errors?: Array<{ status: number, code: string, when?: string }>
}

export interface RouteArea {
  /** The file's name without .routes.json. */
  name: string
  title: string
  order: number
  description?: string
  notes?: string
  routes: ContractRoute[]
}

/** What the server needs of a route (schemas/generated/routes.ts holds one per route). */
export type ServerRoute = Pick<ContractRoute, 'id' | 'method' | 'path' | 'access' | 'staffOnly' | 'params' | 'query' | 'body' | 'upload' | 'reply'>

/** The names in a path: ':project' gives 'project', a final '*' gives '*'. */
export function pathParams (path: string): string[] {
  return path.split('/').flatMap((part) => (part.startsWith(':') ? [part.slice(1)] : part === '*' ? ['*'] : []))
}
