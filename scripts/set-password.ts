// Sets or removes a person's password or PIN:
//   npm run user -- password <ident>            asks twice, without echo (or reads one line from stdin when piped)
//   npm run user -- password <ident> --clear    removes it (picking your face is then enough to log in)
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
import { Refusal, UsageError, exitCodeOf } from './command-errors.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const USAGE = `Usage: npm run user -- password <ident> [--clear] [--config <server.json>]
  Asks for the new password or PIN twice (hidden); when stdin is not a terminal, reads it from the first line of stdin.
  --clear   remove the password or PIN
  --config  the server's configuration (default: $RFAM_CONFIG or config/server.json)`

const MIN_LENGTH = 4
interface Options { ident: string, clear: boolean, configFile?: string }

function parseArgs (argv: string[]): Options {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h') throw new UsageError('')
  if (command !== 'password') throw new UsageError(`unknown command "${command}"; the only one is "password".`)
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

/** Reads one line typed at the terminal without showing it. */
function askHidden (io: ScriptIo, prompt: string): Promise<string> {
  const stdin = io.stdin
  // Echo goes off before the prompt shows, so nothing typed right after it is echoed.
  stdin.setRawMode!(true)
  io.err(prompt, true)
  stdin.setEncoding('utf8')
  stdin.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = () => {
      stdin.off('data', onData)
      stdin.setRawMode!(false)
      stdin.pause()
      io.err('')
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') { finish(); resolve(value); return }
        if (ch === '\u0003' || ch === '\u0004') { finish(); reject(new Refusal('cancelled; nothing changed.')); return }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('')
        else if (ch >= ' ') value += ch
      }
    }
    stdin.on('data', onData)
  })
}

async function readStdinLine (io: ScriptIo): Promise<string> {
  let text = ''
  io.stdin.setEncoding('utf8')
  for await (const chunk of io.stdin) text += chunk as string
  return text.split(/\r?\n/, 1)[0] ?? ''
}

async function newSecret (io: ScriptIo, name: string): Promise<string> {
  if (!io.stdin.isTTY) return readStdinLine(io)
  const first = await askHidden(io, `New password or PIN for ${name}: `)
  if ([...first].length < MIN_LENGTH) return first // refused below, before asking again
  const again = await askHidden(io, 'Type it again: ')
  if (again !== first) throw new Refusal('the two did not match; nothing changed.')
  return first
}

function displayName (file: string): string | undefined {
  try { return (JSON.parse(readFileSync(file, 'utf8')) as User).name } catch { return undefined }
}

/** The command: `argv` is what follows `npm run user --`; the exit code is returned. */
export async function main (argv: string[], io: ScriptIo = processIo): Promise<number> {
  return await exitCodeOf('user', USAGE, io, async () => {
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
      if ([...secret].length < MIN_LENGTH) throw new Refusal(`a password or PIN needs at least ${MIN_LENGTH} characters; nothing changed.`)
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
