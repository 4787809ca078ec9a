// One project: its details, defaults set, members, pictures, to-do lists, team and credits.
import type { FastifyInstance } from 'fastify'
import type { ProjectFileUpdate } from '../../../schemas/generated/types.ts'
import { badRequest } from '../../errors.ts'
import { buildCredits } from '../../credits/credits.ts'
import { readPicture, storePicture } from '../../pictures/pictures.ts'
import { todoFor, ownedByPriority } from '../../store/todo.ts'
import { publicProject, publicUser } from './public-views.ts'
import { sendPicture } from './users.ts'
import { uploadedFile } from './uploads.ts'
import { sendCachedJson } from './cached-json.ts'
import { checkProjectFileUpdate } from './project-settings.ts'

type P = { Params: { project: string } }

export async function projectRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, config } = app.rfam
  const member = { access: 'member' } as const
  const lang = (code: string | undefined) => workspace.languages.get(code ?? '') ?? workspace.languages.get(config.language)!

  app.get('/api/projects', { config: { access: 'user' }, schema: { response: { 200: { type: 'array', items: { $ref: 'api-public-project.schema.json#' } } } } }, async (request) =>
    workspace.projects.all().filter((p) => request.user!.staff || request.user!.projects.includes(p.ident)).map(publicProject))

  app.get<P>('/api/projects/:project/picture', { config: { access: 'public' } }, async (request, reply) => {
    const p = workspace.project(request.params.project)
    return sendPicture(reply, p.image ? await readPicture(config.shares, p.image) : null, p.name, p.ident)
  })

  app.put<P>('/api/projects/:project/picture', { config: { access: 'staff', staffOnly: 'change a team picture' } }, async (request, reply) => {
    const ident = request.params.project
    const image = await storePicture(config.shares, config.pictureShare, 'projects', ident, await uploadedFile(request, config.maxUploadBytes))
    await workspace.projects.update(ident, (p) => ({ ...p, image }))
    return reply.code(204).send()
  })

  app.post<P & { Body: { user: string } }>('/api/projects/:project/members', {
    config: { access: 'staff', staffOnly: 'add people to a project' },
    schema: { body: { type: 'object', additionalProperties: false, required: ['user'], properties: { user: { $ref: 'common.schema.json#/$defs/Ident' } } } },
  }, async (request, reply) => {
    const { project } = request.params
    workspace.user(request.body.user)
    await workspace.users.update(request.body.user, (u) => ({ ...u, projects: u.projects.includes(project) ? u.projects : [...u.projects, project] }))
    return reply.code(204).send()
  })

  app.get<P>('/api/projects/:project/defaults', { config: member, schema: { response: { 200: { $ref: 'api-defaults-set.schema.json#' } } } }, async (request) => {
    const set = workspace.store(request.params.project).defaults()
    return { name: set.name, priority: set.priority, states: [...set.states.values()], types: set.typeList, sets: [...workspace.defaultsSets.keys()] }
  })

  app.get<P>('/api/projects/:project/file', { config: member, schema: { response: { 200: { $ref: 'project-file.schema.json#' } } } }, async (request) =>
    workspace.store(request.params.project).file())

  app.patch<P & { Body: ProjectFileUpdate }>('/api/projects/:project/file', {
    config: member,
    schema: { body: { $ref: 'api-project-file-update.schema.json#' }, response: { 200: { $ref: 'project-file.schema.json#' } } },
  }, async (request) => {
    checkProjectFileUpdate(request.user!, request.body)
    return workspace.store(request.params.project).updateFile(request.body)
  })

  app.get<P & { Querystring: { user?: string } }>('/api/projects/:project/todo', {
    config: member,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { user: { $ref: 'common.schema.json#/$defs/Ident' } } } },
  }, async (request, reply) => {
    const { project } = request.params
    const user = request.query.user ?? request.user!.ident
    const members = workspace.members(project)
    if (!members.some((m) => m.ident === user)) throw badRequest('RFAM_NOT_MEMBER', `"${user}" is not in this project.`)
    // Cached per user until anything in the project changes: this is the page students open most.
    const store = workspace.store(project)
    return sendCachedJson(request, reply, store.cachedForUser(`todo:${user}`, workspace.users.version, () => todoFor(store, user, members)))
  })

  app.get<P>('/api/projects/:project/team', { config: member }, async (request, reply) => {
    const store = workspace.store(request.params.project)
    return sendCachedJson(request, reply, store.cachedForUser('team', workspace.users.version, () => ({
      members: workspace.members(request.params.project).map((u) => ({ user: publicUser(u), task: ownedByPriority(store, u.ident)[0] ?? null })),
    })))
  })

  app.get<P & { Querystring: { format?: 'text' | 'json' } }>('/api/projects/:project/credits', {
    config: member,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['text', 'json'] } } } },
  }, async (request, reply) => {
    const { project } = request.params
    const strings = lang(request.user!.language).strings
    const store = workspace.store(project)
    const credits = buildCredits(store.file(), workspace.members(project), {
      team: strings['credits:team'] ?? 'Team',
      thanks: strings['credits:thanks'] ?? 'With thanks to',
      noLicense: (what) => (strings['credits:no-license'] ?? '"{what}" has no licence yet.').replace('{what}', what),
    })
    // A damaged project.json: the credits show what could be read, and say why the rest is missing.
    if (store.fileProblem) credits.warnings.unshift((strings['credits:damaged'] ?? 'project.json is damaged ({reason}), so these credits leave out what cannot be read. A teacher can fix or restore the file.').replace('{reason}', store.fileProblem))
    if (request.query.format === 'json') return credits
    return reply.type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${project}-credits.txt"`)
      .send(credits.text)
  })
}
