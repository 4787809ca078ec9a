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

export function loadSchemas (): SchemaDocument[] {
  return schemaFiles().map((file) => {
    const doc = JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as SchemaDocument
    if (doc.$id !== file) throw new Error(`${file}: $id must be "${file}", found "${doc.$id}"`)
    if (typeof doc.title !== 'string') throw new Error(`${file}: a title is required (it names the generated type)`)
    return doc
  })
}
