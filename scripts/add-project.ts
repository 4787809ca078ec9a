// Adds a project from the command line:
//   npm run project -- add <ident> --name "<Team name>" [--config <server.json>]
// With `npm run user -- add`, how a server started without the demo gets its first project and
// teacher; later ones are easier from the web (New project). It writes projects/<ident>.json with the
// project's folder on the first share, as the web does; the running server starts the project (and
// makes its folder) within seconds. A project that exists is never replaced.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Project } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'
import { loadConfig } from '../server/config/load-config.ts'
import { writeJsonAtomic } from '../common/atomic-write.ts'
import { withFileLock } from '../server/store/file-lock.ts'
import { Refusal, UsageError, exitCodeOf, optionValue } from './command-errors.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const USAGE = `Usage: npm run project -- add <ident> --name "<Team name>" [--config <server.json>]
  <ident>   the short name: the project's folder and file (a-z, digits, _ and -)
  --name    the team's name, shown on the log-in page
  --config  the server's configuration (default: $RFAM_CONFIG or config/server.json)`

const IDENT = /^[a-z0-9][a-z0-9_-]{0,63}$/

interface Options { ident: string, name: string, configFile?: string }

function parseArgs (argv: string[]): Options {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h') throw new UsageError('')
  if (command !== 'add') throw new UsageError(`unknown command "${command}"; the only one is "add".`)
  let ident: string | undefined
  let name: string | undefined
  let configFile: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '--name') name = optionValue(arg, rest[++i]).trim()
    else if (arg === '--config') configFile = resolve(optionValue(arg, rest[++i]))
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}.`)
    else if (ident) throw new UsageError(`one project at a time (got "${ident}" and "${arg}").`)
    else ident = arg
  }
  if (!ident) throw new UsageError('which project? Give its short name, e.g. "red".')
  if (!name) throw new UsageError('give the team\'s name with --name "…", as the log-in page shows it.')
  return { ident, name, ...(configFile ? { configFile } : {}) }
}

export async function main (argv: string[], io: ScriptIo = processIo): Promise<number> {
  return await exitCodeOf('project', USAGE, io, async () => {
    const options = parseArgs(argv)
    if (!IDENT.test(options.ident)) throw new Refusal(`"${options.ident}" cannot be a project's short name: use a-z, digits, _ and - (up to 64, starting with a letter or digit).`)
    const config = loadConfig(options.configFile)
    const share = config.shares.names()[0]!
    const project: Project = { ident: options.ident, name: options.name, image: null, directory: `${share}::${options.ident}`, renderPriority: 1 }
    const problem = validator().check('project.schema.json', project)
    if (problem) throw new Refusal(`that is not a project RFAM can keep (${problem}); nothing changed.`)
    const file = join(config.projectsDir, `${options.ident}.json`)
    await withFileLock(file, async () => {
      if (existsSync(file)) throw new Refusal(`there is a project "${options.ident}" already; nothing changed.`)
      await writeJsonAtomic(file, project)
    })
    io.out(`Added the project ${options.name} (${options.ident}); its files go in ${config.shares.resolve(project.directory)}.`)
    io.out(`Next: npm run user -- add <username> --name "<Full name>" --staff --project ${options.ident}`)
    return 0
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err) => { console.error(err); process.exitCode = 1 })
}
