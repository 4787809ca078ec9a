// Creates user files (<users>/<ident>.json) from a spreadsheet exported as CSV:
//   npm run users:import -- people.csv [--dry-run] [--merge] [--config server.json]
// Rows are 'name,username,project[,project…]'. A first row naming its columns is optional; with it
// a 'pin' column may give each person a PIN. Existing users are skipped (with --merge they get the
// row's new projects). A bad row is refused with its line number and nothing is written for it;
// the good rows are still imported, so fixing the file and running it again is always safe.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Project, User } from '../schemas/generated/types.ts'
import { validator } from '../schemas/validator.ts'
import { loadConfig } from '../server/config/load-config.ts'
import { ConfigError } from '../common/read-json-file.ts'
import { hashSecret } from '../server/auth/passwords.ts'
import { writeJsonAtomic } from '../common/atomic-write.ts'
import { withFileLock } from '../server/store/file-lock.ts'
import { JsonDirectory } from '../server/store/json-dir.ts'
import { CsvProblem, csvText, parseCsv, readPeople, type PersonRow } from '../server/people/csv-people.ts'
import { UsageError } from './command-errors.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const USAGE = `Usage: npm run users:import -- <file.csv> [--dry-run] [--merge] [--config <server.json>]
  Each row: name,username,project[,project…]  (a header row is optional; a header may add a 'pin' column)
  --dry-run  report what would happen, write nothing
  --merge    add the row's projects to people who already exist (otherwise they are skipped)
  --config   the server's configuration (default: $RFAM_CONFIG or config/server.json)`

/** users/*.json hold password hashes: for the server's user alone. */
const SECRET = { mode: 0o600 }

// The parsing and the row checks are the server's too (the web's "Add people" page uses them).
export { columnsOf, guessDelimiter, parseCsv, readPeople } from '../server/people/csv-people.ts'
export type { CsvRow, PersonRow, RefusedRow } from '../server/people/csv-people.ts'

// ---- writing -----------------------------------------------------------------------------------
export interface Outcome { line: number, ident?: string, action: 'created' | 'skipped' | 'merged' | 'unchanged' | 'refused', detail: string }

async function importOne (person: PersonRow, usersDir: string, options: { dryRun: boolean, merge: boolean }): Promise<Outcome> {
  const file = join(usersDir, `${person.ident}.json`)
  const base = { line: person.line, ident: person.ident }
  const would = options.dryRun ? 'would be ' : ''
  // Under the file's lock, so a server or another import writing the same person cannot interleave
  // (a dry run takes no lock: it leaves no trace at all).
  const locked = (fn: () => Promise<Outcome>) => (options.dryRun ? fn() : withFileLock(file, fn))
  return locked(async (): Promise<Outcome> => {
    if (existsSync(file)) {
      let current: User
      try {
        current = JSON.parse(readFileSync(file, 'utf8')) as User
        const problem = validator().check('user.schema.json', current)
        if (problem) throw new Error(problem)
      } catch (err) {
        return { ...base, action: 'refused', detail: `${file} exists but is broken (${(err as Error).message}); fix it first.` }
      }
      const added = person.projects.filter((p) => !current.projects.includes(p))
      const pinNote = person.pin ? '; the PIN column is ignored for existing people (use npm run user -- password)' : ''
      if (!options.merge) {
        return { ...base, action: 'skipped', detail: `already exists${added.length ? `; --merge would add ${added.join(', ')}` : ''}${pinNote}.` }
      }
      if (added.length === 0) return { ...base, action: 'unchanged', detail: `already in ${person.projects.join(', ')}${pinNote}.` }
      const next: User = { ...current, projects: [...current.projects, ...added] }
      const problem = validator().check('user.schema.json', next)
      if (problem) return { ...base, action: 'refused', detail: problem }
      if (!options.dryRun) await writeJsonAtomic(file, next, SECRET)
      return { ...base, action: 'merged', detail: `${would}added to ${added.join(', ')}${pinNote}.` }
    }
    const user: User = { ident: person.ident, name: person.name, image: null, projects: person.projects, staff: false, language: '' }
    if (person.pin) user.secret = options.dryRun ? 'scrypt$' : await hashSecret(person.pin)
    const problem = validator().check('user.schema.json', user)
    if (problem) return { ...base, action: 'refused', detail: problem }
    if (!options.dryRun) await writeJsonAtomic(file, user, SECRET)
    return { ...base, action: 'created', detail: `${would}created: ${person.name}, in ${person.projects.join(', ')}${person.pin ? ', with a PIN' : ''}.` }
  })
}

export interface ImportOptions { file: string, dryRun: boolean, merge: boolean, configFile?: string }

export async function importUsers (options: ImportOptions): Promise<Outcome[]> {
  const config = loadConfig(options.configFile)
  let bytes: Buffer
  try {
    bytes = readFileSync(options.file)
  } catch (err) {
    throw new UsageError(`${options.file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`)
  }
  const text = csvText(bytes)
  if (text === null) throw new UsageError(`${options.file}: is not UTF-8 text; save it from the spreadsheet as "CSV UTF-8".`)
  const projects = new JsonDirectory<Project>(config.projectsDir, 'project.schema.json')
  const { people, refused } = readPeople(parseCsv(text), new Set(projects.all().map((p) => p.ident)))
  // The reason is a sentence of its own (as the web page shows it); here it follows the action, mid-line.
  const outcomes: Outcome[] = refused.map((r) => ({ line: r.line, ...(r.ident ? { ident: r.ident } : {}), action: 'refused', detail: r.reason.charAt(0).toLowerCase() + r.reason.slice(1) }))
  for (const person of people) outcomes.push(await importOne(person, config.usersDir, options))
  return outcomes.sort((a, b) => a.line - b.line)
}

export function parseArgs (argv: string[]): ImportOptions {
  const options: Partial<ImportOptions> & { dryRun: boolean, merge: boolean } = { dryRun: false, merge: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--dry-run') options.dryRun = true
    else if (arg === '--merge') options.merge = true
    else if (arg === '--config') {
      const value = argv[++i]
      if (!value) throw new UsageError('--config needs a file.')
      options.configFile = resolve(value)
    } else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}.`)
    else if (options.file) throw new UsageError(`one CSV file at a time (got "${options.file}" and "${arg}").`)
    else options.file = arg
  }
  if (!options.file) throw new UsageError('which CSV file?')
  return options as ImportOptions
}

/** The command: `argv` is what follows `npm run users:import --`; the exit code is returned. */
export async function main (argv: string[], io: ScriptIo = processIo): Promise<number> {
  let options: ImportOptions
  let outcomes: Outcome[]
  try {
    options = parseArgs(argv)
    outcomes = await importUsers(options)
  } catch (err) {
    if (err instanceof UsageError || err instanceof CsvProblem || err instanceof ConfigError) {
      if (err.message) io.err(`users:import: ${err.message}`)
      io.err(USAGE)
      return 2
    }
    throw err
  }
  const width = Math.max(4, ...outcomes.map((o) => (o.ident ?? '').length))
  for (const o of outcomes) {
    io.out(`line ${String(o.line).padEnd(4)} ${(o.ident ?? '-').padEnd(width)}  ${o.action.padEnd(9)} ${o.detail}`)
  }
  const count = (a: Outcome['action']) => outcomes.filter((o) => o.action === a).length
  const refused = count('refused')
  io.out(`\n${options.dryRun ? 'Dry run, nothing written: ' : ''}${count('created')} created, ${count('merged')} merged, ${count('skipped') + count('unchanged')} skipped, ${refused} refused${refused ? ' (nothing written for them; fix those lines and run again)' : ''}.`)
  return refused > 0 ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err) => { console.error(err); process.exitCode = 1 })
}
