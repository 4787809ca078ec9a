// Fetch for the RFAM API, under the generated client (web/src/api/routes.ts, from the route contract).
// Every refused request becomes an ApiFailure whose message is the server's ApiError sentence (written
// for students), so pages can show it as it is.
import type { ApiError, Sentence } from '../../../schemas/generated/types.ts'
import { t, tSentence } from './i18n.ts'

export class ApiFailure extends Error {
  /** Seconds to wait before trying again, when the server said (Retry-After). */
  retryAfter?: number

  constructor (message: string, readonly status: number, readonly code?: string, readonly sentence?: Sentence) {
    super(message)
    this.name = 'ApiFailure'
  }
}

/** The message to show for anything thrown by a request, in the page's language. */
export function errorMessage (error: unknown): string {
  if (error instanceof ApiFailure) return tSentence(error.sentence, error.message)
  if (error instanceof Error && error.name === 'AbortError') return t('error:aborted')
  return t('error:network')
}

function isApiError (body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).message === 'string'
}

async function failure (response: Response): Promise<ApiFailure> {
  let body: unknown
  try { body = await response.json() } catch { body = undefined }
  const failed = isApiError(body)
    ? new ApiFailure(body.message, response.status, body.code, body.sentence)
    : new ApiFailure(t('error:http', { status: String(response.status) }), response.status)
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN)
  if (Number.isFinite(retryAfter)) failed.retryAfter = retryAfter
  return failed
}

/** What a call may add: an AbortSignal (a newer load cancels an older one). */
export interface CallOptions {
  signal?: AbortSignal
}

interface RequestOptions extends CallOptions {
  body?: unknown
}

async function send (method: string, url: string, options: RequestOptions = {}): Promise<Response> {
  const init: RequestInit = {
    method,
    // 'no-cache' revalidates with the ETag each time: a 304 costs nothing and the list is never stale.
    cache: 'no-cache',
    credentials: 'same-origin',
    signal: options.signal,
    headers: { accept: 'application/json' },
  }
  if (options.body instanceof FormData) {
    init.body = options.body
  } else if (options.body !== undefined) {
    init.body = JSON.stringify(options.body)
    init.headers = { ...init.headers, 'content-type': 'application/json' }
  }
  const response = await fetch(url, init)
  if (!response.ok) throw await failure(response)
  return response
}

async function json<T> (method: string, url: string, options?: RequestOptions): Promise<T> {
  const response = await send(method, url, options)
  if (response.status === 204) return undefined as T
  return await response.json() as T
}

/** GETs started early (while the app is still starting), handed to the first get() of the same URL. */
const prefetched = new Map<string, Promise<unknown>>()

/** Starts a GET now so a page about to ask for it gets it sooner; unused ones are dropped after 5 s. */
export function prefetch (url: string): void {
  if (prefetched.has(url)) return
  const promise = json<unknown>('GET', url)
  promise.catch(() => undefined)
  prefetched.set(url, promise)
  setTimeout(() => { if (prefetched.get(url) === promise) prefetched.delete(url) }, 5000)
}

function takePrefetched<T> (url: string): Promise<T> | undefined {
  const promise = prefetched.get(url)
  prefetched.delete(url)
  return promise as Promise<T> | undefined
}

/** One call of the API (web/src/api/routes.ts makes every one); a GET started early by prefetch() is reused. */
export function call<T> (method: string, url: string, options: RequestOptions = {}): Promise<T> {
  return (method === 'GET' ? takePrefetched<T>(url) : undefined) ?? json<T>(method, url, options)
}
