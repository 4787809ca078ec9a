// Errors that carry an HTTP status and a message a student can act on. Route handlers throw them;
// the server's error handler turns them into an ApiError body. A message made with say() also travels
// as a sentence (a language-file key and its values), so each page shows it in its reader's language.
import type { Said, Sentence } from '../common/sentences.ts'

export class HttpError extends Error {
  readonly sentence?: Sentence
  constructor (readonly statusCode: number, readonly code: string, message: string | Said) {
    super(typeof message === 'string' ? message : message.text)
    if (typeof message !== 'string') this.sentence = message.sentence
    this.name = 'HttpError'
  }
}

export const badRequest = (code: string, message: string | Said) => new HttpError(400, code, message)
export const forbidden = (code: string, message: string | Said) => new HttpError(403, code, message)
export const notFound = (code: string, message: string | Said) => new HttpError(404, code, message)
export const conflict = (code: string, message: string | Said) => new HttpError(409, code, message)
