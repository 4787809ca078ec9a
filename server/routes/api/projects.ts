// One project: its details, defaults set, members, pictures, to-do lists, team and credits.
import type { FastifyInstance } from 'fastify'
import { badRequest } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'
import { buildCredits } from '../../credits/credits.ts'
import { readPicture, storePicture } from '../../pictures/pictures.ts'
import { todoFor, ownedByPriority } from '../../store/todo.ts'
import { registerRoutes } from '../register-routes.ts'
import { publicProject, publicUser } from './public-views.ts'
import { sendPicture } from './users.ts'
import { uploadedFile } from './uploads.ts'
import { sendCachedJson } from './send-cached-json.ts'
import { checkProjectFileUpdate } from './project-settings.ts'

export async function projectRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, config } = app.rfam
  const lang = (code: string | undefined) => workspace.languages.get(code ?? '') ?? workspace.languages.get(config.language)!

  registerRoutes(app, {
    listProjects: async (request) =>
      workspace.projects.all().filter((p) => request.user!.staff || request.user!.projects.includes(p.ident)).map(publicProject),

    getProjectPicture: async (request, reply) => {
      const p = workspace.project(request.params.project)
      return sendPicture(reply, p.image ? await readPicture(config.shares, p.image) : null, p.name, p.ident)
    },

    setProjectPicture: async (request, reply) => {
      const ident = request.params.project
      const image = await storePicture(config.shares, config.pictureShare, 'projects', ident, await uploadedFile(request, config.maxUploadBytes))
      await workspace.projects.update(ident, (p) => ({ ...p, image }))
      return reply.code(204).send()
    },

    addProjectMember: async (request, reply) => {
      const { project } = request.params
      workspace.user(request.body.user)
      await workspace.users.update(request.body.user, (u) => ({ ...u, projects: u.projects.includes(project) ? u.projects : [...u.projects, project] }))
      return reply.code(204).send()
    },

    getDefaults: async (request) => {
      const set = workspace.store(request.params.project).defaults()
      return { name: set.name, priority: set.priority, states: [...set.states.values()], types: set.typeList, sets: [...workspace.defaultsSets.keys()] }
    },

    getProjectFile: async (request) => workspace.store(request.params.project).file(),

    updateProjectFile: async (request) => {
      checkProjectFileUpdate(request.user!, request.body)
      return workspace.store(request.params.project).updateFile(request.body)
    },

    getTodo: async (request, reply) => {
      const { project } = request.params
      const user = request.query.user ?? request.user!.ident
      const members = workspace.members(project)
      if (!members.some((m) => m.ident === user)) throw badRequest('RFAM_NOT_MEMBER', say('error:user-not-member', { user }))
      // Cached per user until anything in the project changes: this is the page students open most.
      const store = workspace.store(project)
      return sendCachedJson(request, reply, store.cachedForUser(`todo:${user}`, workspace.users.version, () => todoFor(store, user, members)))
    },

    getTeam: async (request, reply) => {
      const store = workspace.store(request.params.project)
      return sendCachedJson(request, reply, store.cachedForUser('team', workspace.users.version, () => ({
        members: workspace.members(request.params.project).map((u) => ({ user: publicUser(u), task: ownedByPriority(store, u.ident)[0] ?? null })),
      })))
    },

    getCredits: async (request, reply) => {
      const { project } = request.params
      const strings = lang(request.user!.language).strings
      const store = workspace.store(project)
      const credits = buildCredits(store.file(), workspace.members(project), {
        team: strings['credits:team'] ?? 'Team',
        thanks: strings['credits:thanks'] ?? 'With thanks to',
        noLicense: (what) => (strings['credits:no-license'] ?? '"{what}" has no licence yet.').replace('{what}', what),
        noTitle: strings['credits:no-title'] ?? 'The film has no title yet. A teacher can give it one on the Project page.',
        noFilmLicense: strings['credits:no-film-license'] ?? 'The film has no licence yet. A teacher can choose one on the Project page (for example CC BY 4.0).',
      })
      // A damaged project.json: the credits show what could be read, and say why the rest is missing.
      if (store.fileProblem) credits.warnings.unshift((strings['credits:damaged'] ?? 'project.json is damaged ({reason}), so these credits leave out what cannot be read. A teacher can fix or restore the file.').replace('{reason}', store.fileProblem))
      if (request.query.format === 'json') return credits
      return reply.type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${project}-credits.txt"`)
        .send(credits.text)
    },
  })
}
