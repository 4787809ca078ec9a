// TypeScript types of a route's parts, named after the generated schema types (schemas/generated/types.ts),
// shared by the server's route table and the web client.
import type { SchemaDocument } from '../../schemas/load.ts'
import { pathParams, typeNameOf, type ContractRoute } from '../../schemas/route-contract.ts'

export interface RouteTsTypes {
  /** Path parameters, '*' included: `{ project: string; '*': string }`. */
  params: string
  query: string
  /** The JSON body's type, or 'undefined'. */
  body: string
  /** The JSON the route answers (for a text reply with jsonWhen: its JSON form), or 'undefined' / 'never'. */
  reply: string
  /** Every generated type named, for the import line. */
  names: string[]
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`)

export function routeTsTypes (route: ContractRoute, schemas: SchemaDocument[]): RouteTsTypes {
  const names: string[] = []
  const named = (ref: string) => { const n = typeNameOf(ref, schemas); names.push(n); return n }
  const params = `{ ${pathParams(route.path).map((p) => `${key(p)}: string`).join('; ')} }`.replace('{  }', '{}')
  const query = `{ ${Object.entries(route.query?.properties ?? {}).map(([name, p]) =>
    `${key(name)}?: ${p.enum ? p.enum.map((v) => `'${v}'`).join(' | ') : p.$ref ? named(p.$ref) : 'string'}`).join('; ')} }`.replace('{  }', '{}')
  const body = route.body ? named(route.body.$ref) : 'undefined'
  const media = route.reply?.media ?? 'json'
  let reply = 'undefined'
  if (route.reply?.schema && (media === 'json' || route.reply.jsonWhen)) reply = named(route.reply.schema.$ref)
  else if (media === 'text') reply = 'string'
  else if (route.reply) reply = 'never'
  return { params, query, body, reply, names }
}

/** The schema type of an events route's messages (or undefined). */
export function eventTsType (route: ContractRoute, schemas: SchemaDocument[]): string | undefined {
  return route.reply?.media === 'events' && route.reply.schema ? typeNameOf(route.reply.schema.$ref, schemas) : undefined
}
