// A new project from the web page: its folder on the first share with a project.json holding the
// film's first settings, its file in projects/ (made only if no project of that name exists, checked
// under the file's lock), and its first members. Every write is the store's own: atomic, under locks.
import { mkdir } from 'node:fs/promises'
import type { Project, ProjectCreate, ProjectFileUpdate, User } from '../../schemas/generated/types.ts'
import { badRequest, conflict } from '../errors.ts'
import { ProjectJson } from '../store/project-json.ts'
import { resolveForWrite } from '../../common/named-paths.ts'
import type { Workspace } from '../store/workspace.ts'

const exists = (ident: string) => conflict('RFAM_PROJECT_EXISTS', `There is a project called "${ident}" already. Pick another short name, or open that project with the project switcher.`)

export async function createProject (workspace: Workspace, request: ProjectCreate, teacher: User): Promise<Project> {
  const { ident, name, title, defaults, frameRate, members = [] } = request
  if (workspace.projects.get(ident)) throw exists(ident)
  if (defaults !== undefined && !workspace.defaultsSets.has(defaults)) {
    throw badRequest('RFAM_UNKNOWN_DEFAULTS', `There is no settings set called "${defaults}"; choose one of ${[...workspace.defaultsSets.keys()].join(', ')}.`)
  }
  const unknown = members.filter((m) => !workspace.users.get(m))
  if (unknown.length > 0) throw badRequest('RFAM_NO_USER', `Nobody on this server has the username ${unknown.map((u) => `"${u}"`).join(', ')}; add them with "Add people" after making the project.`)

  const { shares } = workspace.config
  const share = shares.names()[0]!
  const root = resolveForWrite(shares.root(share), ident, 'project folder', { place: 'its share' })
  await mkdir(root, { recursive: true })
  // The film's settings go in first, so the project's store reads them when it starts.
  const settings: ProjectFileUpdate = {
    ...(title ? { title } : {}),
    ...(defaults !== undefined ? { defaults } : {}),
    ...(frameRate !== undefined ? { frameRate } : {}),
  }
  const file = new ProjectJson(root)
  if (Object.keys(settings).length > 0) await file.update(settings)
  else await file.ensure()

  const project = await workspace.projects.createNew({ ident, name, image: null, directory: `${share}::${ident}`, renderPriority: 1 })
  if (!project) throw exists(ident)
  // The teacher joins too, so the project is on their log-in page.
  for (const member of new Set([...members, teacher.ident])) {
    await workspace.users.update(member, (u) => ({ ...u, projects: u.projects.includes(ident) ? u.projects : [...u.projects, ident] }))
  }
  await workspace.projectReady(ident)
  return project
}
