// The committed TypeScript types must be exactly what the schemas generate today.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { generateTypes, generatedFile } from '../../scripts/gen-types.ts'

t.test('schemas/generated/types.ts is fresh', async (t) => {
  const committed = readFileSync(generatedFile, 'utf8')
  const fresh = await generateTypes()
  t.ok(fresh === committed,
    'schemas/generated/types.ts is stale: a schema changed after it was generated. Run `npm run gen` and commit the result.')
})
