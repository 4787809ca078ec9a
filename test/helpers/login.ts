// The one log-in helper: POST /api/session as the web UI, the add-on and the node tests do, either in
// process (a Fastify app, through inject) or over HTTP (a base URL, or anything with a `url`).
import type { FastifyInstance } from 'fastify'

export type LogInTarget = string | { app: FastifyInstance } | { url: string }

export interface Reply<T> { status: number, body: T }

export interface Session {
  user: string
  /** The session token, for `authorization: Bearer …` (the add-on's way). */
  token: string
  /** The Cookie header a browser sends with it: `rfam_session=…`. */
  cookie: string
  /** A JSON call with this session's cookie; the reply's body parsed (undefined when empty). */
  api: <T = any>(method: string, path: string, body?: unknown) => Promise<Reply<T>> // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Logs `user` in to `project` (the demo unless told); throws with the server's answer when refused. */
export async function logIn (server: LogInTarget, user: string, options: { project?: string, secret?: string } = {}): Promise<Session> {
  const payload = { project: options.project ?? 'demo', user, ...(options.secret ? { secret: options.secret } : {}) }
  if (typeof server === 'object' && 'app' in server) {
    const app = server.app
    const res = await app.inject({ method: 'POST', url: '/api/session', payload })
    if (res.statusCode !== 200) throw new Error(`log-in of ${user} failed: ${res.statusCode} ${res.body}`)
    const token = res.cookies.find((c) => c.name === 'rfam_session')!.value
    const cookie = `rfam_session=${token}`
    return {
      user, token, cookie,
      api: async (method, path, body) => {
        const r = await app.inject({ method: method as 'GET', url: path, headers: { cookie }, ...(body === undefined ? {} : { payload: body as object }) })
        return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined }
      },
    }
  }
  const base = typeof server === 'string' ? server : server.url
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
  if (res.status !== 200) throw new Error(`log-in of ${user} failed: ${res.status} ${await res.text()}`)
  const token = res.headers.get('x-rfam-token')!
  const cookie = `rfam_session=${token}`
  return {
    user, token, cookie,
    api: async (method, path, body) => {
      const r = await fetch(`${base}${path}`, { method, headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await r.text()
      return { status: r.status, body: text ? JSON.parse(text) : undefined }
    },
  }
}
