import t from 'tap'
import { readFileSync } from 'node:fs'
import { generateDocs, docsFile } from '../../scripts/gen-docs.ts'
import { loadSchemas } from '../../schemas/load.ts'

t.test('docs/configuration.md is generated from the schemas and up to date', async (t) => {
  t.equal(readFileSync(docsFile, 'utf8'), generateDocs(), 'docs/configuration.md is stale: run `npm run gen`')
})

t.test('every field of every file people edit is described in its schema', async (t) => {
  const missing: string[] = []
  const visit = (node: Record<string, unknown>, where: string) => {
    for (const [name, s] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (name === '$schema') continue
      if (!s.description && !String(s.$ref ?? '').includes('$defs')) missing.push(`${where}/${name}`)
      if (s.properties) visit(s, `${where}/${name}`)
      const items = s.items as Record<string, unknown> | undefined
      if (items?.properties) visit(items, `${where}/${name}[]`)
    }
  }
  for (const s of loadSchemas().filter((x) => !x.$id.startsWith('api-') && !x.$id.startsWith('farm-') && x.$id !== 'common.schema.json')) {
    visit(s as Record<string, unknown>, s.$id)
  }
  t.same(missing, [], 'fields without a description')
})
