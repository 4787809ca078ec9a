// What a teacher does to set up a class, all staff-only: a new project, people from a spreadsheet
// (checked first with a dry run), and everyone's pictures at once (matched by file name, previewed first).
import type { FastifyInstance } from 'fastify'
import { createProject } from '../../people/new-project.ts'
import { importPeople } from '../../people/import-people.ts'
import { BATCH_FACTOR, expand, match, previewOrStore, readUploadedFiles } from '../../pictures/picture-batch.ts'
import { storePicture } from '../../pictures/pictures.ts'
import { registerRoutes } from '../register-routes.ts'
import { publicProject } from './public-views.ts'

export async function classSetupRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, config } = app.rfam

  registerRoutes(app, {
    createProject: async (request, reply) =>
      reply.code(201).send(publicProject(await createProject(workspace, request.body, request.user!))),

    importPeople: async (request) => importPeople(workspace, request.params.project, request.body),

    uploadPictures: async (request) => {
      const { project } = request.params
      const dryRun = request.query.dryRun === 'true'
      const files = await readUploadedFiles(request, config.maxUploadBytes * BATCH_FACTOR)
      const found = match(expand(files, config.maxUploadBytes), workspace.members(project))
      return {
        dryRun,
        files: await previewOrStore(found, dryRun, async (user, data) => {
          const image = await storePicture(config.shares, config.pictureShare, 'users', user.ident, data)
          await workspace.users.update(user.ident, (u) => ({ ...u, image }))
        }),
      }
    },
  })
}
