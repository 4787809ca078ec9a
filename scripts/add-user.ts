// Adds a person from the command line:
//   npm run user -- add <ident> --name "<Full name>" [--staff] [--project <ident>]… [--config <server.json>]
// The way to make the first teacher of a server started without the demo ("demo": false), where
// nobody can log in yet to add people from the web. Staff must have a password or PIN (asked like
// `password`: twice and hidden, or one line from stdin); others may have none, and pick their face.
// The file is made under its lock and never replaces one that exists; the running server follows it.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { User } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'
import { loadConfig } from '../server/config/load-config.ts'
import { hashSecret } from '../server/auth/passwords.ts'
import { writeJsonAtomic } from '../common/atomic-write.ts'
import { withFileLock } from '../server/store/file-lock.ts'
import { MIN_SECRET_LENGTH, newSecret } from './ask-secret.ts'
import { Refusal, UsageError, optionValue } from './command-errors.ts'
import type { ScriptIo } from './script-io.ts'

const IDENT = /^[a-z0-9][a-z0-9_-]{0,63}$/

interface Options { ident: string, name: string, staff: boolean, projects: string[], configFile?: string }

function parseArgs (argv: string[]): Options {
  let ident: string | undefined
  let name: string | undefined
  let staff = false
  const projects: string[] = []
  let configFile: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--staff') staff = true
    else if (arg === '--name') name = optionValue(arg, argv[++i]).trim()
    else if (arg === '--project') projects.push(optionValue(arg, argv[++i]))
    else if (arg === '--config') configFile = resolve(optionValue(arg, argv[++i]))
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}.`)
    else if (ident) throw new UsageError(`one person at a time (got "${ident}" and "${arg}").`)
    else ident = arg
  }
  if (!ident) throw new UsageError('who? Give their username (a-z, digits, _ and -), e.g. "novak".')
  if (!name) throw new UsageError('give their full name with --name "…", as it is shown on their face and in the credits.')
  return { ident, name, staff, projects: [...new Set(projects)], ...(configFile ? { configFile } : {}) }
}

/** `npm run user -- add …` (argv: what follows "add"); returns the exit code. */
export async function addUser (argv: string[], io: ScriptIo): Promise<number> {
  const options = parseArgs(argv)
  if (!IDENT.test(options.ident)) throw new Refusal(`"${options.ident}" cannot be a username: use a-z, digits, _ and - (up to 64, starting with a letter or digit).`)
  const config = loadConfig(options.configFile)
  const unknown = options.projects.filter((p) => !IDENT.test(p) || !existsSync(join(config.projectsDir, `${p}.json`)))
  if (unknown.length > 0) {
    throw new Refusal(`there is no project ${unknown.map((p) => `"${p}"`).join(', ')}; nothing changed. Make it first: npm run project -- add <short-name> --name "<team name>".`)
  }
  const file = join(config.usersDir, `${options.ident}.json`)
  if (existsSync(file)) throw new Refusal(`there is a user "${options.ident}" already; nothing changed (to set their password: npm run user -- password ${options.ident}).`)

  const secret = await newSecret(io, options.name)
  if (secret === '' && options.staff) throw new Refusal('staff need a password or PIN (they may change every project); nothing changed.')
  if (secret !== '' && [...secret].length < MIN_SECRET_LENGTH) throw new Refusal(`a password or PIN needs at least ${MIN_SECRET_LENGTH} characters; nothing changed.`)
  const user: User = {
    ident: options.ident,
    name: options.name,
    image: null,
    projects: options.projects,
    staff: options.staff,
    language: '',
    ...(secret ? { secret: await hashSecret(secret) } : {}),
  }
  const problem = validator().check('user.schema.json', user)
  if (problem) throw new Refusal(`that is not a person RFAM can keep (${problem}); nothing changed.`)
  await withFileLock(file, async () => {
    // Checked again under the lock: the web, an import or another command may have made them meanwhile.
    if (existsSync(file)) throw new Refusal(`there is a user "${options.ident}" already; nothing changed.`)
    await writeJsonAtomic(file, user, { mode: 0o600 }) // may hold a password hash: for the server's user alone
  })
  io.out(`Added ${options.name} (${options.ident})${options.staff ? ' as staff' : ''}${options.projects.length ? ` to ${options.projects.join(', ')}` : ''}.`)
  io.out(options.projects.length
    ? 'They log in by picking the project, then their face.'
    : options.staff
      ? 'They are in no project: on the log-in page they pick any project, then "Not in the list? Type your user name".'
      : 'They are in no project yet, so they cannot log in: add them to one (--project, or Add people in the web).')
  return 0
}
