// Reads every schemas/*.schema.json. Shared by the server, the generators and the tests so that
// all of them see the same contract.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const schemaDir = import.meta.dirname

export interface SchemaDocument {
  $id: string
  title: string
  description?: string
  [key: string]: unknown
}

export function schemaFiles (): string[] {
  return readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()
}

/**
 * The files the contract's fingerprint covers, relative to schemas/: every *.schema.json and every
 * routes/*.routes.json (a changed path or access is another contract as much as a changed body).
 */
export function contractFileNames (dir = schemaDir): string[] {
  const routes = readdirSync(join(dir, 'routes')).filter((f) => f.endsWith('.routes.json')).map((f) => `routes/${f}`)
  return [...readdirSync(dir).filter((f) => f.endsWith('.schema.json')), ...routes].sort()
}

export function loadSchemas (): SchemaDocument[] {
  return schemaFiles().map((file) => {
    const doc = JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as SchemaDocument
    if (doc.$id !== file) throw new Error(`${file}: $id must be "${file}", found "${doc.$id}"`)
    if (typeof doc.title !== 'string') throw new Error(`${file}: a title is required (it names the generated type)`)
    return doc
  })
}
