// The failures of a command-line script that a person can act on, and the exit code each one gives.
// Anything else thrown is a bug in RFAM: it is not caught here, so its stack shows.
import { ConfigError } from '../common/read-json-file.ts'
import type { ScriptIo } from './script-io.ts'

/** A command line the script cannot follow: the message (if any), then the usage; exit code 2. */
export class UsageError extends Error {}

/** The script would not do it (no such user, a broken file …): the message; exit code 1, nothing changed. */
export class Refusal extends Error {}

/**
 * Runs a command's work and returns its exit code; a UsageError prints the usage (2), a Refusal or a
 * broken configuration (ConfigError) its message (1), each prefixed with the command's name.
 */
export async function exitCodeOf (command: string, usage: string, io: ScriptIo, work: () => Promise<number>): Promise<number> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) io.err(`${command}: ${err.message}`)
      io.err(usage)
      return 2
    }
    if (err instanceof Refusal || err instanceof ConfigError) {
      io.err(`${command}: ${err.message}`)
      return 1
    }
    throw err
  }
}

/** The value after an option such as `--name`; a missing one (or another option in its place) is a UsageError. */
export function optionValue (option: string, value: string | undefined): string {
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${option} needs a value.`)
  return value
}
