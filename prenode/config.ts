// A prenode's configuration (schemas/prenode-config.schema.json), checked at start: a bad file
// stops it with the file, the field and what was expected. 'file:' credentials and the state file
// are relative to the configuration file's folder.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { PrenodeConfig } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'

export interface PrenodeSettings {
  file: string
  name: string
  server: string
  credential: string
  provides: string[]
  command: string
  maxFrames: number
  checkSeconds: number
  longPoll: boolean
  retrySeconds: number
  commandTimeoutSeconds: number
  stateFile: string
}

export class PrenodeConfigError extends Error {}

export function loadPrenodeConfig (file: string): PrenodeSettings {
  const abs = resolve(file)
  let raw: PrenodeConfig
  try {
    raw = JSON.parse(readFileSync(abs, 'utf8')) as PrenodeConfig
  } catch (err) {
    throw new PrenodeConfigError(`${abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(err as Error).message})`}`)
  }
  const problem = validator().check('prenode-config.schema.json', raw)
  if (problem) throw new PrenodeConfigError(`${abs}: ${problem}`)
  if (!/^https?:\/\/[^/]/.test(raw.server)) throw new PrenodeConfigError(`${abs}: /server must be the server's address, such as http://farm.example:8080 (it is "${raw.server}").`)
  const base = dirname(abs)
  let credential = raw.credential
  if (credential.startsWith('file:')) {
    const path = resolve(base, credential.slice(5))
    try {
      credential = readFileSync(path, 'utf8').trim()
    } catch {
      throw new PrenodeConfigError(`${abs}: /credential names the file ${path}, which cannot be read.`)
    }
    if (!credential) throw new PrenodeConfigError(`${abs}: /credential names the file ${path}, which is empty.`)
  }
  return {
    file: abs,
    name: raw.name,
    server: raw.server.replace(/\/+$/, ''),
    credential,
    provides: raw.provides ?? [],
    command: raw.command,
    maxFrames: raw.maxFrames ?? 1000,
    checkSeconds: raw.checkSeconds ?? 10,
    longPoll: raw.longPoll ?? true,
    retrySeconds: raw.retrySeconds ?? 5,
    commandTimeoutSeconds: raw.commandTimeoutSeconds ?? 600,
    stateFile: resolve(base, raw.stateFile ?? `${raw.name}.prenode-state.json`),
  }
}
