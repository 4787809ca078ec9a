// Reads the route contract, schemas/routes/*.routes.json: every HTTP route with who may call it and the
// schemas of what it takes and answers. Checked against routes.meta.json and for what a schema cannot
// say (unique ids, path parameters, $refs that exist). The generators (scripts/gen-routes.ts) and the
// tests read it here; the server reads what it needs from the generated schemas/generated/routes.ts.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { describeErrors } from './validator.ts'
import { loadSchemas, schemaDir, type SchemaDocument } from './load.ts'
import { pathParams, type ContractRoute, type RouteArea } from './route-spec.ts'

export const routeDir = join(schemaDir, 'routes')

export type { ContractRoute, RouteArea, RouteReply, QuerySchema, SchemaRef, Media, HttpMethod, RouteAccess } from './route-spec.ts'
export { pathParams } from './route-spec.ts'

export function routeFiles (dir = routeDir): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.routes.json')).sort()
}

/** Every area, in docs order; throws naming each mistake (file, route and what is wrong). */
export function loadRouteAreas (dir = routeDir, schemas: SchemaDocument[] = loadSchemas()): RouteArea[] {
  const meta = JSON.parse(readFileSync(join(dir, 'routes.meta.json'), 'utf8')) as object
  const validate = new Ajv({ allErrors: true, strict: true }).compile(meta)
  const areas: RouteArea[] = []
  const problems: string[] = []
  for (const file of routeFiles(dir)) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<RouteArea, 'name'> & { $schema?: string }
    if (!validate(doc)) {
      problems.push(`${file}: ${describeErrors(validate.errors ?? [])}`)
      continue
    }
    const { $schema: _, ...area } = doc
    areas.push({ name: file.replace(/\.routes\.json$/, ''), ...area })
  }
  problems.push(...contractProblems(areas, schemas))
  if (problems.length > 0) throw new Error(`The route contract (schemas/routes) has mistakes:\n- ${problems.join('\n- ')}`)
  return areas.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
}

/** Every route of every area, in docs order. */
export function allRoutes (areas: RouteArea[]): ContractRoute[] {
  return areas.flatMap((a) => a.routes)
}

/** The schema a $ref names ('x.schema.json#' or 'x.schema.json#/$defs/Y'), or undefined. */
export function resolveSchemaRef (ref: string, schemas: SchemaDocument[]): SchemaDocument | Record<string, unknown> | undefined {
  const [file, pointer = ''] = ref.split('#')
  let node: unknown = schemas.find((s) => s.$id === file)
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[part]
  return node as Record<string, unknown> | undefined
}

/** What the meta-schema cannot check: unique ids and routes, parameters, $refs, fields that go together. */
export function contractProblems (areas: RouteArea[], schemas: SchemaDocument[]): string[] {
  const problems: string[] = []
  const ids = new Map<string, string>()
  const routes = new Map<string, string>()
  for (const area of areas) {
    for (const r of area.routes) {
      const at = `${area.name}.routes.json ${r.id} (${r.method} ${r.path})`
      const say = (what: string) => problems.push(`${at}: ${what}`)
      if (ids.has(r.id)) say(`the id is used in ${ids.get(r.id)} too`)
      ids.set(r.id, `${area.name}.routes.json`)
      const key = `${r.method} ${r.path.replace(/:[A-Za-z]+/g, ':')}`
      if (routes.has(key)) say(`the same method and path as ${routes.get(key)}`)
      routes.set(key, r.id)
      if ((r.access === 'staff') !== (r.staffOnly !== undefined)) say('staffOnly goes with access "staff", and only with it')
      if (r.access === 'member' && !pathParams(r.path).includes('project')) say('access "member" needs :project in the path')
      for (const name of Object.keys(r.params ?? {})) if (!pathParams(r.path).includes(name)) say(`params.${name} is not in the path`)
      const hasBody = r.body !== undefined || r.upload !== undefined
      if (r.body && r.upload) say('a JSON body or an upload, not both')
      if (hasBody && (r.method === 'GET' || r.method === 'DELETE')) say(`a ${r.method} takes no body`)
      const refs = [r.body?.$ref, r.reply?.schema?.$ref, ...Object.values(r.query?.properties ?? {}).map((p) => p.$ref), ...Object.values(r.params ?? {}).map((p) => p.$ref)]
      for (const ref of refs) if (ref !== undefined && !resolveSchemaRef(ref, schemas)) say(`${ref} names no schema`)
      const reply = r.reply
      if (reply) {
        const media = reply.media ?? 'json'
        if ((media === 'json' || media === 'events') && !reply.schema) say(`a ${media} reply needs its schema`)
        if (reply.serialize && media !== 'json') say('only a json reply can be serialized by its schema')
        if (reply.jsonWhen && (media !== 'text' || !reply.schema)) say('jsonWhen is for a text reply that also comes as JSON (with its schema)')
        if ((media === 'image' || media === 'file') && reply.schema) say(`${media === 'image' ? 'an image' : 'a file'} has no schema`)
        for (const name of Object.keys(reply.jsonWhen ?? {})) if (!r.query?.properties[name]) say(`jsonWhen names ${name}, which the query does not have`)
      }
    }
  }
  return problems
}

/** A generated type's name for a $ref: the title of the schema (or $defs entry) it names. */
export function typeNameOf (ref: string, schemas: SchemaDocument[]): string {
  const target = resolveSchemaRef(ref, schemas)
  const title = target?.title
  if (typeof title !== 'string') throw new Error(`${ref}: the schema it names has no title, so no generated type`)
  return title
}
