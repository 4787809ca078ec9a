// One Ajv instance holding every schema, for validating files on disk and in tests. The server's
// request validation uses Fastify's own Ajv with the same schemas and the same strictness.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { loadSchemas } from './load.ts'

/** Options shared by this validator and Fastify's: unknown fields are errors, never silently dropped. */
export const ajvOptions = {
  strict: true,
  allErrors: true,
  useDefaults: true,
  coerceTypes: false,
  removeAdditional: false,
} as const

export class SchemaValidator {
  readonly ajv: Ajv
  private readonly cache = new Map<string, ValidateFunction>()

  constructor () {
    // validateSchema: checking each schema against draft-07 at every start cost start-up time for
    // nothing: test/schemas/fixtures.test.ts does it for every schema (and strict mode stays on).
    this.ajv = new Ajv({ ...ajvOptions, validateSchema: false })
    addFormatsModule.default(this.ajv)
    for (const schema of loadSchemas()) this.ajv.addSchema(schema)
  }

  private compiled (id: string): ValidateFunction {
    let fn = this.cache.get(id)
    if (!fn) {
      fn = this.ajv.getSchema(id)
      if (!fn) throw new Error(`unknown schema ${id}`)
      this.cache.set(id, fn)
    }
    return fn
  }

  /**
   * Validates (filling in defaults) and returns null, or a sentence naming each bad field.
   * `quote: false` for files read from disk: unknown fields are then not named (see describeErrors).
   */
  check (id: string, data: unknown, options: { quote?: boolean } = {}): string | null {
    const fn = this.compiled(id)
    return fn(data) ? null : describeErrors(fn.errors ?? [], '', options.quote ?? true)
  }
}

/**
 * Turns Ajv errors into one sentence a person can act on: which field, what was expected.
 * `quote`: name unknown fields. Off for files on disk, whose field names are their contents (a
 * sidecar that is really someone's user file must not show that it holds "secret").
 */
export function describeErrors (errors: ErrorObject[], root = '', quote = true): string {
  const parts = errors.map((e) => {
    const where = (root + e.instancePath) || '(the whole document)'
    if (e.keyword === 'additionalProperties') {
      return quote ? `${where} has an unknown field "${String(e.params.additionalProperty)}"` : `${where} has an unknown field`
    }
    if (e.keyword === 'enum') {
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    }
    return `${where} ${e.message ?? 'is not valid'}`
  })
  return [...new Set(parts)].join('; ')
}

let shared: SchemaValidator | undefined
/** The process-wide validator (compiling every schema once). */
export function validator (): SchemaValidator {
  shared ??= new SchemaValidator()
  return shared
}
