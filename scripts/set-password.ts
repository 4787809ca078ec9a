// The `npm run user` command. Sets or removes a person's password or PIN:
//   npm run user -- password <ident>            asks twice, without echo (or reads one line from stdin when piped)
//   npm run user -- password <ident> --clear    removes it (picking your face is then enough to log in)
// and adds a person (`npm run user -- add …`: add-user.ts).
// Only the scrypt hash is stored, in the user's file, written atomically under the file's lock so a
// running server (which follows the file) and other edits are never lost. A new hash ends every log-in
// the person had: the server compares it with the fingerprint each session record keeps.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { User } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'
import { loadConfig } from '../server/config/load-config.ts'
import { hashSecret } from '../server/auth/passwords.ts'
import { writeJsonAtomic } from '../common/atomic-write.ts'
import { withFileLock } from '../server/store/file-lock.ts'
import { MIN_SECRET_LENGTH, newSecret } from './ask-secret.ts'
import { addUser } from './add-user.ts'
import { Refusal, UsageError, exitCodeOf } from './command-errors.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const USAGE = `Usage: npm run user -- password <ident> [--clear] [--config <server.json>]
       npm run user -- add <ident> --name "<Full name>" [--staff] [--project <ident>]… [--config <server.json>]
  password  asks for the new password or PIN twice (hidden); when stdin is not a terminal, reads it from the first line of stdin
  --clear   remove the password or PIN
  add       adds a person (staff must have a password or PIN, asked the same way); --project joins a project that exists
  --config  the server's configuration (default: $RFAM_CONFIG or config/server.json)`

interface Options { ident: string, clear: boolean, configFile?: string }

function parseArgs (argv: string[]): Options {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h') throw new UsageError('')
  if (command !== 'password') throw new UsageError(`unknown command "${command}"; use "password" or "add".`)
  let ident: string | undefined
  let clear = false
  let configFile: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '--clear') clear = true
    else if (arg === '--config') {
      const value = rest[++i]
      if (!value) throw new UsageError('--config needs a file.')
      configFile = resolve(value)
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}.`)
    else if (ident) throw new UsageError(`one person at a time (got "${ident}" and "${arg}").`)
    else ident = arg
  }
  if (!ident) throw new UsageError('whose password? Give their username.')
  return { ident, clear, ...(configFile ? { configFile } : {}) }
}

function displayName (file: string): string | undefined {
  try { return (JSON.parse(readFileSync(file, 'utf8')) as User).name } catch { return undefined }
}

/** The command: `argv` is what follows `npm run user --`; the exit code is returned. */
export async function main (argv: string[], io: ScriptIo = processIo): Promise<number> {
  return await exitCodeOf('user', USAGE, io, async () => {
    if (argv[0] === 'add') return await addUser(argv.slice(1), io)
    const options = parseArgs(argv)
    const config = loadConfig(options.configFile)
    const file = join(config.usersDir, `${options.ident}.json`)
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(options.ident) || !existsSync(file)) {
      throw new Refusal(`there is no user "${options.ident}" (no ${file}).`)
    }
    let hash: string | undefined
    if (!options.clear) {
      const secret = await newSecret(io, displayName(file) ?? options.ident)
      if (secret === '') throw new Refusal('no password given; nothing changed (to remove one, use --clear).')
      if ([...secret].length < MIN_SECRET_LENGTH) throw new Refusal(`a password or PIN needs at least ${MIN_SECRET_LENGTH} characters; nothing changed.`)
      hash = await hashSecret(secret)
    }
    await withFileLock(file, async () => {
      // Re-read under the lock: the server or a person may have changed the file meanwhile.
      let current: User
      try {
        current = JSON.parse(readFileSync(file, 'utf8')) as User
      } catch (err) {
        throw new Refusal(`${file} cannot be read as JSON (${(err as Error).message}); fix it first.`)
      }
      const next: User = { ...current }
      if (hash) next.secret = hash
      else delete next.secret
      const problem = validator().check('user.schema.json', next)
      if (problem) throw new Refusal(`${file} is not a valid user file (${problem}); fix it first.`)
      await writeJsonAtomic(file, next, { mode: 0o600 }) // holds a password hash: for the server's user alone
    })
    io.out(hash ? `Password/PIN set for ${options.ident}.` : `Password/PIN removed for ${options.ident}: picking their face is now enough to log in.`)
    // The server keeps a fingerprint of the hash with each log-in and follows the users folder.
    io.out(`Every log-in of ${options.ident} made before is ended (a running server notices within seconds).`)
    return 0
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err) => { console.error(err); process.exitCode = 1 })
}
