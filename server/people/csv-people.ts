// People from a spreadsheet saved as CSV: the parsing and the checks of each row, shared by the
// command line (scripts/users-from-csv.ts) and the web's "Add people" page (POST /api/projects/:project/people).
// Rows are 'name,username,project[,project…]'. A first row naming its columns is optional; with it a
// 'pin' column may give each person a PIN. A bad row is refused with its line number and the reason,
// a sentence of the language files (the web page shows it in the teacher's language, the command line
// in English).
import { say, type Said, type Sentence } from '../../common/sentences.ts'

export const IDENT = /^[a-z0-9][a-z0-9_-]{0,63}$/
export const MIN_PIN_LENGTH = 4
/** The longest name a person may have. */
const MAX_NAME = 200

const refusal = (said: Said) => ({ reason: said.text, sentence: said.sentence })

/** The file itself cannot be read as CSV (an unclosed quote, a bad header): nothing in it is used. */
export class CsvProblem extends Error {}

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
  if (quoted) throw new CsvProblem(`line ${quoteLine}: a quoted field is never closed (a '"' is missing).`)
  endRow()
  return rows
}

export interface PersonRow { line: number, name: string, ident: string, projects: string[], pin?: string }
export interface RefusedRow {
  line: number
  ident?: string
  /** The name the row gives, when it gives one. */
  name?: string
  /** Why, in English. */
  reason: string
  /** Why, as a sentence of the language files. */
  sentence: Sentence
}

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
export function columnsOf (rows: CsvRow[], projectOptional = false): { columns?: Columns, dataRows: CsvRow[] } {
  const first = rows[0]
  if (!first) return { dataRows: [] }
  const names = first.cells.map((c) => c.trim().toLowerCase())
  if (!names.some((n) => HEADER_NAMES[n] === 'ident')) return { dataRows: rows }
  const columns: Partial<Columns> & { projects: number[] } = { projects: [] }
  names.forEach((n, i) => {
    if (n === '') return
    if (/^projects?\s*\d*$/.test(n)) { columns.projects.push(i); return }
    const key = HEADER_NAMES[n]
    if (!key) throw new CsvProblem(`line ${first.line}: unknown column "${first.cells[i]!.trim()}"; the columns are name, username, project (repeat it for more) and optionally pin.`)
    if (key === 'projects') return
    if (columns[key] !== undefined) throw new CsvProblem(`line ${first.line}: the column "${first.cells[i]!.trim()}" is there twice.`)
    columns[key] = i
  })
  if (columns.name === undefined) throw new CsvProblem(`line ${first.line}: the header has no "name" column.`)
  if (columns.projects.length === 0 && !projectOptional) throw new CsvProblem(`line ${first.line}: the header has no "project" column.`)
  return { columns: columns as Columns, dataRows: rows.slice(1) }
}

/**
 * Checks each row on its own (ident, name, projects, PIN) and then duplicates across rows.
 * `defaultProjects`: the projects of a row that names none (the web page adds people to the project it
 * is in; the command line has none, so every row names its own).
 */
export function readPeople (rows: CsvRow[], knownProjects: ReadonlySet<string>, defaultProjects: string[] = []): { people: PersonRow[], refused: RefusedRow[] } {
  const { columns, dataRows } = columnsOf(rows, defaultProjects.length > 0)
  const people: PersonRow[] = []
  const refused: RefusedRow[] = []
  for (const row of dataRows) {
    const cell = (i: number | undefined) => (i === undefined ? '' : (row.cells[i] ?? '').trim())
    const name = cell(columns ? columns.name : 0)
    const ident = cell(columns ? columns.ident : 1)
    const projectCells = columns ? columns.projects.map(cell) : row.cells.slice(2).map((c) => c.trim())
    // A cell may list several projects ("red blue" or "red, blue" in quotes).
    const named = [...new Set(projectCells.flatMap((c) => c.split(/[\s,;]+/)).filter((p) => p !== ''))]
    const projects = named.length > 0 ? named : defaultProjects
    const pin = columns?.pin !== undefined ? cell(columns.pin) : ''
    const refuse = (said: Said) => refused.push({ line: row.line, ...(ident ? { ident } : {}), ...(name && name.length <= MAX_NAME ? { name } : {}), ...refusal(said) })
    if (ident === '') { refuse(say('import:line-no-username')); continue }
    if (!IDENT.test(ident)) { refuse(say('import:line-bad-username', { ident })); continue }
    if (name === '') { refuse(say('import:line-no-name', { ident })); continue }
    if (/\p{Cc}/u.test(name)) { refuse(say('import:line-name-control', { ident })); continue }
    if (name.length > MAX_NAME) { refuse(say('import:line-name-too-long', { ident, max: MAX_NAME })); continue }
    if (projects.length === 0) { refuse(say('import:line-no-project', { ident })); continue }
    const unknown = projects.filter((p) => !knownProjects.has(p))
    if (unknown.length > 0) {
      const params = { projects: unknown.map((p) => `"${p}"`).join(', '), known: [...knownProjects].sort().join(', ') }
      if (knownProjects.size === 0) refuse(say('import:line-no-projects-yet', params))
      else refuse(unknown.length > 1 ? say('import:line-unknown-projects', params) : say('import:line-unknown-project', params))
      continue
    }
    if (pin !== '' && [...pin].length < MIN_PIN_LENGTH) { refuse(say('import:line-short-pin', { ident, min: MIN_PIN_LENGTH })); continue }
    people.push({ line: row.line, name, ident, projects, ...(pin ? { pin } : {}) })
  }
  // The same person twice is ambiguous (which projects? which name?): refuse every such line.
  const linesOf = new Map<string, number[]>()
  for (const r of [...people, ...refused]) if (r.ident) linesOf.set(r.ident, [...(linesOf.get(r.ident) ?? []), r.line])
  const duplicate = (p: { ident?: string }) => (linesOf.get(p.ident ?? '')?.length ?? 0) > 1
  for (const p of people.filter(duplicate)) {
    const others = linesOf.get(p.ident)!.filter((l) => l !== p.line)
    const params = { ident: p.ident, lines: others.join(', ') }
    refused.push({ line: p.line, ident: p.ident, name: p.name, ...refusal(others.length > 1 ? say('import:line-duplicate-lines', params) : say('import:line-duplicate', params)) })
  }
  refused.sort((a, b) => a.line - b.line)
  return { people: people.filter((p) => !duplicate(p)), refused }
}

/** The text of a CSV file's bytes (UTF-8, with or without the mark spreadsheets put first); null when it is not UTF-8. */
export function csvText (bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    return null
  }
}
