// Reads and validates one JSON file, with errors that name the file, the field and what was expected.
import { readFileSync } from 'node:fs'
import { validator } from '../../schemas/validator.ts'

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export function parseJsonText (text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message}).`)
  }
}

/** Reads `file`, checks it against `schemaId` (filling defaults) and returns it typed. */
export function readJsonFile<T> (file: string, schemaId: string): T {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`)
  }
  const data = parseJsonText(text, file)
  const problem = validator().check(schemaId, data)
  if (problem) throw new ConfigError(`${file}: ${problem} (see docs/configuration.md, ${schemaId}).`)
  return data as T
}
