// People from a spreadsheet, on the web's "Add people" page: the rows are parsed and checked as the
// command line does it (csv-people.ts), then each good row creates a person or lets someone already
// there join the row's projects. With dryRun nothing is written: the page shows the same lines first.
import { basename } from 'node:path'
import type { PeopleImport, PeopleImportLine, PeopleImportResult, User } from '../../schemas/generated/types.ts'
import { hashSecret } from '../auth/passwords.ts'
import { badRequest } from '../errors.ts'
import type { Workspace } from '../store/workspace.ts'
import { CsvProblem, parseCsv, readPeople, type PersonRow } from './csv-people.ts'

const list = (projects: string[]) => projects.join(', ')

export async function importPeople (workspace: Workspace, project: string, request: PeopleImport): Promise<PeopleImportResult> {
  const { dryRun, merge = true } = request
  let checked: ReturnType<typeof readPeople>
  try {
    checked = readPeople(parseCsv(request.csv.replace(/^\uFEFF/, '')), new Set(workspace.projects.all().map((p) => p.ident)), [project])
  } catch (err) {
    if (err instanceof CsvProblem) throw badRequest('RFAM_BAD_CSV', `The file cannot be read as a list of people: ${err.message} Fix it in the spreadsheet, save it as CSV and try again.`)
    throw err
  }
  const lines: PeopleImportLine[] = checked.refused.map((r) => ({ line: r.line, ...(r.ident ? { ident: r.ident } : {}), action: 'refused', detail: capital(r.reason) }))
  for (const person of checked.people) lines.push(await importOne(workspace, person, dryRun, merge))
  return { dryRun, lines: lines.sort((a, b) => a.line - b.line) }
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

async function importOne (workspace: Workspace, person: PersonRow, dryRun: boolean, merge: boolean): Promise<PeopleImportLine> {
  const base = { line: person.line, ident: person.ident, name: person.name, projects: person.projects, ...(person.pin ? { pin: true } : {}) }
  if (workspace.users.broken().some((b) => basename(b.file) === `${person.ident}.json`)) {
    return { ...base, action: 'refused', detail: `The file of "${person.ident}" on the server is damaged, so RFAM leaves it alone. Fix it first: the Project page lists it under the files RFAM cannot read.` }
  }
  const current = workspace.users.get(person.ident)
  if (current) return join(workspace, current, base, dryRun, merge)
  const user: User = { ident: person.ident, name: person.name, image: null, projects: person.projects, staff: false, language: '' }
  if (person.pin && !dryRun) user.secret = await hashSecret(person.pin)
  if (!dryRun && !await workspace.users.createNew(user)) {
    return { ...base, action: 'skip', detail: `"${person.ident}" was added by someone else a moment ago; nothing changed.` }
  }
  return { ...base, action: 'create', detail: `${person.name} ${dryRun ? 'will be' : 'is'} added, in ${list(person.projects)}${person.pin ? ', with the PIN from the file' : ''}.` }
}

async function join (workspace: Workspace, current: User, base: Omit<PeopleImportLine, 'action' | 'detail'> & { projects: string[] }, dryRun: boolean, merge: boolean): Promise<PeopleImportLine> {
  const added = base.projects.filter((p) => !current.projects.includes(p))
  const notes = [
    current.name !== base.name ? ` RFAM keeps the name "${current.name}".` : '',
    base.pin ? ' The PIN in the file is not used for people already there: give them a new PIN on their profile page.' : '',
  ].join('')
  const out = { ...base, name: current.name, projects: [...new Set([...current.projects, ...base.projects])] }
  if (!merge) return { ...out, projects: current.projects, action: 'skip', detail: `${current.name} is on the server already and is left as they are.${notes}` }
  if (added.length === 0) return { ...out, action: 'unchanged', detail: `${current.name} is in ${list(base.projects)} already.${notes}` }
  if (!dryRun) {
    await workspace.users.update(current.ident, (u) => ({ ...u, projects: [...u.projects, ...added.filter((p) => !u.projects.includes(p))] }))
  }
  return { ...out, action: 'join', detail: `${current.name} is on the server already and ${dryRun ? 'will join' : 'joins'} ${list(added)}.${notes}` }
}
