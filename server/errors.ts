// Errors that carry an HTTP status and a message a student can act on. Route handlers throw them;
// the server's error handler turns them into an ApiError body.
export class HttpError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
    this.name = 'HttpError'
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message)
export const forbidden = (code: string, message: string) => new HttpError(403, code, message)
export const notFound = (code: string, message: string) => new HttpError(404, code, message)
export const conflict = (code: string, message: string) => new HttpError(409, code, message)
