// The one log-in helper: POST /api/session as the web UI and the add-on do, either in process (a
// Fastify app, through inject) or over HTTP (a base URL, or anything with a `url`).
import type { FastifyInstance } from 'fastify'

/** A Fastify app or a test server holding one (in process), or a base URL or a process with one (HTTP). */
export type LogInTarget = FastifyInstance | { app: FastifyInstance } | string | { url: string }

export interface Reply<T> { status: number, body: T }

export interface Session {
  user: string
  /** The session token from the answer's x-rfam-token header, for `authorization: Bearer …` (the add-on's way). */
  token: string
  /** The Cookie header a browser sends back (from the answer's Set-Cookie): `rfam_session=…`. */
  cookie: string
  /** When the cookie expires, as the server set it. */
  expires: Date | undefined
  /** The log-in's answer (who, where, until when). */
  reply: any
  /** A JSON call with this session's cookie; the reply's body parsed (undefined when empty). */
  api: <T = any>(method: string, path: string, body?: unknown) => Promise<Reply<T>>
}

export interface LogInOptions {
  /** The project (default: the demo). */
  project?: string
  /** The password or PIN. */
  secret?: string
  /** Headers to send too (a user-agent, to be named as a browser or the add-on). */
  headers?: Record<string, string>
}

/** Logs `user` in; throws with the server's answer when refused (a test of refusals calls the route itself). */
export async function logIn (server: LogInTarget, user: string, options: LogInOptions = {}): Promise<Session> {
  const payload = { project: options.project ?? 'demo', user, ...(options.secret ? { secret: options.secret } : {}) }
  if (typeof server === 'object' && ('app' in server || 'inject' in server)) {
    const app = 'app' in server ? server.app : server
    const res = await app.inject({ method: 'POST', url: '/api/session', payload, ...(options.headers ? { headers: options.headers } : {}) })
    if (res.statusCode !== 200) throw new Error(`log-in of ${user} failed: ${res.statusCode} ${res.body}`)
    const token = String(res.headers['x-rfam-token'])
    const set = res.cookies.find((c) => c.name === 'rfam_session')!
    const cookie = `rfam_session=${set.value}`
    return {
      user,
      token,
      cookie,
      expires: set.expires,
      reply: res.json(),
      api: async (method, path, body) => {
        const r = await app.inject({ method: method as 'GET', url: path, headers: { cookie }, ...(body === undefined ? {} : { payload: body as object }) })
        return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined }
      },
    }
  }
  const base = typeof server === 'string' ? server : server.url
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { ...options.headers, 'content-type': 'application/json' }, body: JSON.stringify(payload) })
  if (res.status !== 200) throw new Error(`log-in of ${user} failed: ${res.status} ${await res.text()}`)
  const token = res.headers.get('x-rfam-token')!
  const set = res.headers.getSetCookie().find((c) => c.startsWith('rfam_session=')) ?? ''
  const cookie = set.split(';')[0]!
  const expires = /;\s*expires=([^;]+)/i.exec(set)?.[1]
  return {
    user,
    token,
    cookie,
    expires: expires ? new Date(expires) : undefined,
    reply: await res.json(),
    api: async (method, path, body) => {
      const r = await fetch(`${base}${path}`, { method, headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await r.text()
      return { status: r.status, body: text ? JSON.parse(text) : undefined }
    },
  }
}
