// A prenode's configuration (schemas/prenode-config.schema.json), checked at start: a bad file
// stops it with the file, the field and what was expected. 'file:' credentials and the state file
// are relative to the configuration file's folder.
import { dirname, resolve } from 'node:path'
import type { PrenodeConfig } from '../schemas/generated/types.ts'
import { ConfigError as PrenodeConfigError, readCredential, readJsonFile } from '../common/read-json-file.ts'
import type { LogLevel } from '../common/log.ts'

export interface PrenodeSettings {
  file: string
  name: string
  server: string
  credential: string
  provides: string[]
  command: string
  maxFrames: number
  maxNodes: number
  checkSeconds: number
  longPoll: boolean
  retrySeconds: number
  commandTimeoutSeconds: number
  stateFile: string
  logLevel: LogLevel
}

/** A settings file that cannot be used: its message names the file, the field and what was expected. */
export { PrenodeConfigError }

export function loadPrenodeConfig (file: string): PrenodeSettings {
  const abs = resolve(file)
  const raw = readJsonFile<PrenodeConfig>(abs, 'prenode-config.schema.json')
  if (!/^https?:\/\/[^/]/.test(raw.server)) throw new PrenodeConfigError(`${abs}: /server must be the server's address, such as http://farm.example:8080 (it is "${raw.server}").`)
  const base = dirname(abs)
  const credential = readCredential(raw.credential, base, abs)
  return {
    file: abs,
    name: raw.name,
    server: raw.server.replace(/\/+$/, ''),
    credential,
    provides: raw.provides ?? [],
    command: raw.command,
    maxFrames: raw.maxFrames ?? 1000,
    maxNodes: raw.maxNodes ?? 16,
    checkSeconds: raw.checkSeconds ?? 10,
    longPoll: raw.longPoll ?? true,
    retrySeconds: raw.retrySeconds ?? 5,
    commandTimeoutSeconds: raw.commandTimeoutSeconds ?? 600,
    stateFile: resolve(base, raw.stateFile ?? `${raw.name}.prenode-state.json`),
    logLevel: raw.logLevel ?? 'info',
  }
}
