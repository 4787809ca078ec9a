// Reads and validates one JSON file, with errors that name the file, the field and what was expected.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { validator } from '../schemas/validator.ts'

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
    throw new ConfigError(`${file}: ${jsonSyntaxProblem(err, text)}.`)
  }
}

/**
 * What is wrong with text that is not JSON, without quoting any of it: JSON.parse's own message
 * quotes the start of the text, and a file read may be anything (a link's target, a secret).
 */
export function jsonSyntaxProblem (err: unknown, text?: string): string {
  const message = err instanceof Error ? err.message : ''
  if (/end of JSON input/.test(message)) return 'not valid JSON (it ends too early)'
  const at = /at position (\d+)/.exec(message)
  if (!at || text === undefined) return 'not valid JSON'
  const before = text.slice(0, Number(at[1])).split('\n')
  return `not valid JSON (line ${before.length}, column ${before.at(-1)!.length + 1})`
}

/** Reads `file`, checks it against `schemaId` (filling defaults) and returns it typed. */
export function readJsonFile<T> (file: string, schemaId: string): T {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ConfigError(code === 'ENOENT' ? `${file}: no such file.` : `${file}: cannot be read (${code ?? (err as Error).message}).`)
  }
  const data = parseJsonText(text, file)
  const problem = validator().check(schemaId, data)
  if (problem) throw new ConfigError(`${file}: ${problem} (see docs/configuration.md, ${schemaId}).`)
  return data as T
}

/**
 * A credential as a settings file gives it: the value itself, or 'file:<path>' (relative to
 * `base`, the settings file's folder) to keep it out of the file. `file` names the settings file.
 */
export function readCredential (value: string, base: string, file: string): string {
  if (!value.startsWith('file:')) return value
  const path = resolve(base, value.slice(5))
  let credential: string
  try {
    credential = readFileSync(path, 'utf8').trim()
  } catch {
    throw new ConfigError(`${file}: /credential names the file ${path}, which cannot be read.`)
  }
  if (!credential) throw new ConfigError(`${file}: /credential names the file ${path}, which is empty.`)
  return credential
}
