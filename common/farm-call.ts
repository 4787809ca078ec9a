// Talks to the farm server: JSON over HTTP, the farm credential on every request. A refused
// request becomes a ServerError carrying the server's status, code and sentence. Every request is
// given up after a timeout (ServerTimeout), so a frozen server or a lost connection is noticed
// and retried instead of waited for (undici's own limit is 5 minutes). Nodes and prenodes send
// through the generated client (farm-client.ts): nothing else builds a farm URL.
import type { ApiError } from '../schemas/generated/types.ts'
import type { FarmCallOptions, FarmSender } from './farm-client.ts'

/** How long a request may take (a held poll: the server's long poll plus HELD_MARGIN_MS). */
export const REQUEST_TIMEOUT_MS = 15_000
/** How much longer than the server's long poll a held request may take before it is given up. */
export const HELD_MARGIN_MS = 10_000

export class ServerError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) {
    super(message)
    this.name = 'ServerError'
  }
}

/** The server did not answer in time. */
export class ServerTimeout extends Error {
  constructor (readonly ms: number) {
    super(`the server did not answer within ${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`)
    this.name = 'ServerTimeout'
  }
}

/** The server at `server` (its base URL), spoken to with the farm credential `credential`. */
export class ServerClient implements FarmSender {
  constructor (private readonly server: string, private readonly credential: string) {}

  /** `signal` is the caller's own abort (rethrown as is); `timeoutMs` bounds the whole request. */
  async send<T> (method: string, path: string, body: unknown, options: FarmCallOptions = {}): Promise<T> {
    const { signal, timeoutMs = REQUEST_TIMEOUT_MS } = options
    const timeout = AbortSignal.timeout(timeoutMs)
    let res: Response
    let text: string
    try {
      res = await fetch(`${this.server}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${this.credential}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
      if (res.status === 204) return undefined as T
      text = await res.text()
    } catch (err) {
      if (timeout.aborted && !signal?.aborted) throw new ServerTimeout(timeoutMs)
      throw err
    }
    let data: unknown
    try { data = JSON.parse(text) } catch { data = undefined }
    if (!res.ok) {
      const err = data as Partial<ApiError> | undefined
      throw new ServerError(res.status, err?.code ?? 'HTTP', err?.message ?? `The server answered ${res.status}: ${text.slice(0, 200)}`)
    }
    return data as T
  }
}

/** A failed call in words, with the cause fetch hides behind "fetch failed" (ECONNREFUSED, …). */
export function describeCallError (err: unknown): string {
  const e = err as Error & { cause?: { code?: string, message?: string } }
  const cause = e.cause?.code ?? e.cause?.message
  return cause ? `${e.message} (${cause})` : e.message
}
