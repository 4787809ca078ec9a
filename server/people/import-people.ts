// People from a spreadsheet, on the web's "Add people" page: the rows are parsed and checked as the
// command line does it (csv-people.ts), then each good row creates a person or lets someone already
// there join the row's projects. With dryRun nothing is written: the page shows the same lines first.
// Each line says what happens in sentences of the language files (detail is the same in English).
import { basename } from 'node:path'
import type { PeopleImport, PeopleImportLine, PeopleImportResult, User } from '../../schemas/generated/types.ts'
import { hashSecret } from '../auth/passwords.ts'
import { badRequest } from '../errors.ts'
import type { Workspace } from '../store/workspace.ts'
import { CsvProblem, parseCsv, readPeople, type PersonRow } from './csv-people.ts'
import { say, type Said } from '../../common/sentences.ts'

const list = (projects: string[]) => projects.join(', ')

/** A line's detail: its sentences, and the same in English. */
const told = (...said: Said[]) => ({ detail: said.map((s) => s.text).join(' '), sentences: said.map((s) => s.sentence) })

export async function importPeople (workspace: Workspace, project: string, request: PeopleImport): Promise<PeopleImportResult> {
  const { dryRun, merge = true } = request
  let checked: ReturnType<typeof readPeople>
  try {
    checked = readPeople(parseCsv(request.csv.replace(/^\uFEFF/, '')), new Set(workspace.projects.all().map((p) => p.ident)), [project])
  } catch (err) {
    if (err instanceof CsvProblem) throw badRequest('RFAM_BAD_CSV', `The file cannot be read as a list of people: ${err.message} Fix it in the spreadsheet, save it as CSV and try again.`)
    throw err
  }
  const lines: PeopleImportLine[] = checked.refused.map((r) => ({
    line: r.line, ...(r.ident ? { ident: r.ident } : {}), ...(r.name ? { name: r.name } : {}), action: 'refused', detail: r.reason, sentences: [r.sentence],
  }))
  for (const person of checked.people) lines.push(await importOne(workspace, person, dryRun, merge))
  return { dryRun, lines: lines.sort((a, b) => a.line - b.line) }
}

async function importOne (workspace: Workspace, person: PersonRow, dryRun: boolean, merge: boolean): Promise<PeopleImportLine> {
  const base = { line: person.line, ident: person.ident, name: person.name, projects: person.projects, ...(person.pin ? { pin: true } : {}) }
  if (workspace.users.broken().some((b) => basename(b.file) === `${person.ident}.json`)) {
    return { ...base, action: 'refused', ...told(say('import:line-damaged-file', { ident: person.ident })) }
  }
  const current = workspace.users.get(person.ident)
  if (current) return join(workspace, current, base, dryRun, merge)
  const user: User = { ident: person.ident, name: person.name, image: null, projects: person.projects, staff: false, language: '' }
  if (person.pin && !dryRun) user.secret = await hashSecret(person.pin)
  if (!dryRun && !await workspace.users.createNew(user)) {
    return { ...base, action: 'skip', ...told(say('import:line-added-meanwhile', { ident: person.ident })) }
  }
  const params = { name: person.name, projects: list(person.projects) }
  const said = dryRun
    ? (person.pin ? say('import:line-will-add-pin', params) : say('import:line-will-add', params))
    : (person.pin ? say('import:line-added-pin', params) : say('import:line-added', params))
  return { ...base, action: 'create', ...told(said) }
}

async function join (workspace: Workspace, current: User, base: Omit<PeopleImportLine, 'action' | 'detail'> & { projects: string[] }, dryRun: boolean, merge: boolean): Promise<PeopleImportLine> {
  const added = base.projects.filter((p) => !current.projects.includes(p))
  const notes = [
    ...(current.name !== base.name ? [say('import:line-note-name-kept', { name: current.name })] : []),
    ...(base.pin ? [say('import:line-note-pin-unused')] : []),
  ]
  const out = { ...base, name: current.name, projects: [...new Set([...current.projects, ...base.projects])] }
  const name = current.name
  if (!merge) return { ...out, projects: current.projects, action: 'skip', ...told(say('import:line-left-alone', { name }), ...notes) }
  if (added.length === 0) return { ...out, action: 'unchanged', ...told(say('import:line-already-in', { name, projects: list(base.projects) }), ...notes) }
  if (!dryRun) {
    await workspace.users.update(current.ident, (u) => ({ ...u, projects: [...u.projects, ...added.filter((p) => !u.projects.includes(p))] }))
  }
  const params = { name, projects: list(added) }
  return { ...out, action: 'join', ...told(dryRun ? say('import:line-will-join', params) : say('import:line-joins', params), ...notes) }
}
