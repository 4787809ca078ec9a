// The teacher's dashboard (staff only, by the contract): the project's store and the farm's jobs of
// the project, handed to server/dashboard/ which works it out.
import type { FastifyInstance } from 'fastify'
import type { Job } from '../../../schemas/generated/types.ts'
import { badRequest } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'
import { dashboard } from '../../dashboard/dashboard.ts'
import { relativeToProject } from '../../farm/views.ts'
import { registerRoutes } from '../register-routes.ts'

const MAX_DAYS = 60

export async function dashboardRoutes (app: FastifyInstance): Promise<void> {
  const { farm } = app
  const { workspace } = app.rfam

  registerRoutes(app, {
    getDashboard: async (request) => {
      const project = request.params.project
      const store = workspace.store(project)
      const days = request.query.days === undefined ? 7 : Number(request.query.days)
      if (!(days >= 1 && days <= MAX_DAYS)) throw badRequest('RFAM_BAD_DAYS', say('error:dashboard-days', { max: MAX_DAYS }))
      const jobs: Job[] = []
      for (const rt of farm.scheduler.jobs.values()) if (rt.project === project) jobs.push(rt.job)
      const directory = farm.deps.project(project)?.directory
      return dashboard({ store, jobs, fileOf: (job) => relativeToProject(job.file, directory), days, now: Date.now() })
    },
  })
}
