// Talks to the farm server: JSON over HTTP, the farm credential on every request. A refused
// request becomes a ServerError carrying the server's status, code and sentence.
import type { ApiError } from '../schemas/generated/types.ts'

export class ServerError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) {
    super(message)
    this.name = 'ServerError'
  }
}

export class ServerClient {
  constructor (private readonly server: string, private readonly credential: string) {}

  async post<T> (path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const res = await fetch(`${this.server}/api/farm/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.credential}` },
      body: JSON.stringify(body),
      signal,
    })
    if (res.status === 204) return undefined as T
    const text = await res.text()
    let data: unknown
    try { data = JSON.parse(text) } catch { data = undefined }
    if (!res.ok) {
      const err = data as Partial<ApiError> | undefined
      throw new ServerError(res.status, err?.code ?? 'HTTP', err?.message ?? `The server answered ${res.status}: ${text.slice(0, 200)}`)
    }
    return data as T
  }
}
