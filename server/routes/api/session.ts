// Log-in, log-out and who is logged in; plus what the log-in page needs before that.
import type { FastifyInstance } from 'fastify'
import { SESSION_COOKIE, tokenOf } from '../../auth/auth-plugin.ts'
import { clientName } from '../../auth/client-name.ts'
import { HttpError, notFound } from '../../errors.ts'
import { say } from '../../../common/sentences.ts'
import { registerRoutes } from '../register-routes.ts'
import { loginPerson, publicProject, publicUser } from './public-views.ts'

export async function sessionRoutes (app: FastifyInstance): Promise<void> {
  const { workspace, sessions, logins, config } = app.rfam

  registerRoutes(app, {
    loginOptions: async () => ({
      projects: workspace.projects.all().map(publicProject).sort((a, b) => a.name.localeCompare(b.name)),
      users: workspace.users.all().filter((u) => u.projects.length > 0).map(loginPerson).sort((a, b) => a.name.localeCompare(b.name)),
      language: config.language,
    }),

    logIn: async (request, reply) => {
      const { project, user: ident, secret } = request.body
      const user = workspace.users.get(ident)
      const proj = workspace.projects.get(project)
      if (!user || !proj) throw new HttpError(401, 'RFAM_LOGIN_FAILED', say('error:login-unknown'))
      if (!user.projects.includes(project) && !user.staff) throw new HttpError(403, 'RFAM_NOT_MEMBER', say('error:login-not-member', { name: user.name, project: proj.name }))
      if (user.secret) {
        if (!secret) throw new HttpError(401, 'RFAM_SECRET_NEEDED', say('error:secret-needed'))
        // Waits after wrong tries and a bounded queue of checks, before any hashing (server/auth/login-guard.ts).
        await logins.check({ ...user, secret: user.secret }, secret, request.ip, reply)
      }
      const { token, session } = await sessions.create(user, project, { client: clientName(request.headers['user-agent']), address: request.ip })
      // Secure when people reach RFAM over HTTPS (through a proxy, as docs/deployment.md sets up).
      const secure = (config.publicUrl ?? '').startsWith('https:') || request.headers['x-forwarded-proto'] === 'https'
      // The cookie may live as long as the log-in can; the server ends it sooner when it goes unused.
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, expires: new Date(session.ends) })
      reply.header('x-rfam-token', token)
      return { user: publicUser(user), project: publicProject(proj), expires: new Date(sessions.expires(session)).toISOString() }
    },

    getSession: async (request) => {
      const session = sessions.verify(tokenOf(request) ?? '')
      return {
        user: publicUser(request.user!),
        project: publicProject(workspace.project(request.sessionProject!)),
        ...(session ? { expires: new Date(session.expires).toISOString() } : {}),
      }
    },

    // The route is for members of :project (staff: any), checked before this runs.
    switchProject: async (request) => {
      const token = tokenOf(request) ?? ''
      await sessions.moveTo(token, request.params.project)
      const session = sessions.verify(token)
      return {
        user: publicUser(request.user!),
        project: publicProject(workspace.project(request.params.project)),
        ...(session ? { expires: new Date(session.expires).toISOString() } : {}),
      }
    },

    // Public, so that a log-in that has already ended can still clear its cookie.
    logOut: async (request, reply) => {
      const token = tokenOf(request)
      if (token) await sessions.end(token)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.code(204).send()
    },

    listLanguages: async () => [...workspace.languages.values()].map((l) => ({ code: l.code, name: l.name })),

    getLanguage: async (request) => {
      const lang = workspace.languages.get(request.params.code)
      if (!lang) throw notFound('RFAM_NO_LANGUAGE', say('error:no-language', { language: request.params.code }))
      return lang
    },
  })
}
