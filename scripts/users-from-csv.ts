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
import { UsageError } from './command-errors.ts'
import { processIo, type ScriptIo } from './script-io.ts'

const USAGE = `Usage: npm run users:import -- <file.csv> [--dry-run] [--merge] [--config <server.json>]
  Each row: name,username,project[,project…]  (a header row is optional; a header may add a 'pin' column)
  --dry-run  report what would happen, write nothing
  --merge    add the row's projects to people who already exist (otherwise they are skipped)
  --config   the server's configuration (default: $RFAM_CONFIG or config/server.json)`

const IDENT = /^[a-z0-9][a-z0-9_-]{0,63}$/
const MIN_PIN_LENGTH = 4
/** users/*.json hold password hashes: for the server's user alone. */
const SECRET = { mode: 0o600 }

// ---- CSV ---------------------------------------------------------------------------------------
export interface CsvRow { line: number, cells: string[] }

/** Picks ';' or tab when the first line has one of them and no comma (spreadsheets set to a European locale). */
export function guessDelimiter (text: string): string {
  const first = text.split('\n', 1)[0]!.replace(/"[^"]*"/g, '')
  if (first.includes(',')) return ','
  if (first.includes(';')) return ';'
  if (first.includes('\t')) return '\t'
  return ','
}

/**
 * Parses CSV as spreadsheets write it (RFC 4180): quoted fields may hold the delimiter, newlines
 * and doubled quotes; CRLF or LF line ends. Each row keeps the line it starts on. Blank rows are dropped.
 */
export function parseCsv (text: string, delimiter = guessDelimiter(text)): CsvRow[] {
  const rows: CsvRow[] = []
  let cells: string[] = []
  let cell = ''
  let line = 1
  let rowLine = 1
  let quoted = false
  let quoteLine = 0
  const endRow = () => {
    cells.push(cell)
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells })
    cells = []
    cell = ''
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++ } else quoted = false
      } else {
        if (ch === '\n') line++
        cell += ch
      }
    } else if (ch === '"' && cell.trim() === '') {
      cell = ''
      quoted = true
      quoteLine = line
    } else if (ch === delimiter) {
      cells.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else {
      cell += ch
    }
  }
  if (quoted) throw new UsageError(`line ${quoteLine}: a quoted field is never closed (a '"' is missing).`)
  endRow()
  return rows
}

// ---- rows → people -----------------------------------------------------------------------------
export interface PersonRow { line: number, name: string, ident: string, projects: string[], pin?: string }
export interface RefusedRow { line: number, ident?: string, reason: string }

interface Columns { name: number, ident: number, projects: number[], pin?: number }

const HEADER_NAMES: Record<string, keyof Columns> = {
  name: 'name',
  'full name': 'name',
  username: 'ident',
  user: 'ident',
  ident: 'ident',
  login: 'ident',
  pin: 'pin',
  password: 'pin',
}

/** Reads the header row when there is one (a first row with a 'username' column). */
export function columnsOf (rows: CsvRow[]): { columns?: Columns, dataRows: CsvRow[] } {
  const first = rows[0]
  if (!first) return { dataRows: [] }
  const names = first.cells.map((c) => c.trim().toLowerCase())
  if (!names.some((n) => HEADER_NAMES[n] === 'ident')) return { dataRows: rows }
  const columns: Partial<Columns> & { projects: number[] } = { projects: [] }
  names.forEach((n, i) => {
    if (n === '') return
    if (/^projects?\s*\d*$/.test(n)) { columns.projects.push(i); return }
    const key = HEADER_NAMES[n]
    if (!key) throw new UsageError(`line ${first.line}: unknown column "${first.cells[i]!.trim()}"; the columns are name, username, project (repeat it for more) and optionally pin.`)
    if (key === 'projects') return
    if (columns[key] !== undefined) throw new UsageError(`line ${first.line}: the column "${first.cells[i]!.trim()}" is there twice.`)
    columns[key] = i
  })
  if (columns.name === undefined) throw new UsageError(`line ${first.line}: the header has no "name" column.`)
  if (columns.projects.length === 0) throw new UsageError(`line ${first.line}: the header has no "project" column.`)
  return { columns: columns as Columns, dataRows: rows.slice(1) }
}

/** Checks each row on its own (ident, name, projects, PIN) and then duplicates across rows. */
export function readPeople (rows: CsvRow[], knownProjects: ReadonlySet<string>): { people: PersonRow[], refused: RefusedRow[] } {
  const { columns, dataRows } = columnsOf(rows)
  const people: PersonRow[] = []
  const refused: RefusedRow[] = []
  for (const row of dataRows) {
    const cell = (i: number | undefined) => (i === undefined ? '' : (row.cells[i] ?? '').trim())
    const name = cell(columns ? columns.name : 0)
    const ident = cell(columns ? columns.ident : 1)
    const projectCells = columns ? columns.projects.map(cell) : row.cells.slice(2).map((c) => c.trim())
    // A cell may list several projects ("red blue" or "red, blue" in quotes).
    const projects = [...new Set(projectCells.flatMap((c) => c.split(/[\s,;]+/)).filter((p) => p !== ''))]
    const pin = columns?.pin !== undefined ? cell(columns.pin) : ''
    const refuse = (reason: string) => refused.push({ line: row.line, ...(ident ? { ident } : {}), reason })
    if (ident === '') { refuse('no username.'); continue }
    if (!IDENT.test(ident)) {
      refuse(`the username "${ident}" is not allowed: use lower-case letters a-z, digits, '_' and '-' (starting with a letter or digit, at most 64).`)
      continue
    }
    if (name === '') { refuse(`no name for "${ident}".`); continue }
    if (/\p{Cc}/u.test(name)) { refuse(`the name of "${ident}" contains a line break or another control character.`); continue }
    if (name.length > 200) { refuse(`the name of "${ident}" is longer than 200 characters.`); continue }
    if (projects.length === 0) { refuse(`no project for "${ident}"; give at least one.`); continue }
    const unknown = projects.filter((p) => !knownProjects.has(p))
    if (unknown.length > 0) {
      const known = [...knownProjects].sort().join(', ') || 'none yet'
      refuse(`unknown project${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `"${p}"`).join(', ')} (known: ${known}).`)
      continue
    }
    if (pin !== '' && [...pin].length < MIN_PIN_LENGTH) { refuse(`the PIN of "${ident}" is shorter than ${MIN_PIN_LENGTH} characters.`); continue }
    people.push({ line: row.line, name, ident, projects, ...(pin ? { pin } : {}) })
  }
  // The same person twice is ambiguous (which projects? which name?): refuse every such line.
  const linesOf = new Map<string, number[]>()
  for (const r of [...people, ...refused]) if (r.ident) linesOf.set(r.ident, [...(linesOf.get(r.ident) ?? []), r.line])
  const duplicate = (p: { ident?: string }) => (linesOf.get(p.ident ?? '')?.length ?? 0) > 1
  for (const p of people.filter(duplicate)) {
    const others = linesOf.get(p.ident)!.filter((l) => l !== p.line)
    refused.push({ line: p.line, ident: p.ident, reason: `the username "${p.ident}" is also on line${others.length > 1 ? 's' : ''} ${others.join(', ')}; keep one line per person.` })
  }
  refused.sort((a, b) => a.line - b.line)
  return { people: people.filter((p) => !duplicate(p)), refused }
}

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
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    throw new UsageError(`${options.file}: is not UTF-8 text; save it from the spreadsheet as "CSV UTF-8".`)
  }
  const projects = new JsonDirectory<Project>(config.projectsDir, 'project.schema.json')
  const { people, refused } = readPeople(parseCsv(text), new Set(projects.all().map((p) => p.ident)))
  const outcomes: Outcome[] = refused.map((r) => ({ line: r.line, ...(r.ident ? { ident: r.ident } : {}), action: 'refused', detail: r.reason }))
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
    if (err instanceof UsageError || err instanceof ConfigError) {
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
