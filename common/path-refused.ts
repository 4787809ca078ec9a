// A path or name the shared code refuses because of what it was given (one that leaves its share, a
// link to write through, a name too long for a file): a code and a sentence a person can act on. A
// plain error, so a render node or a prenode uses the shared code without the server's HTTP errors;
// the server answers it with 400 and the same code and sentence (server/server.ts).
import { say, type Said, type Sentence } from './sentences.ts'

export class PathRefused extends Error {
  readonly sentence?: Sentence
  constructor (readonly code: string, message: string | Said) {
    super(typeof message === 'string' ? message : message.text)
    if (typeof message !== 'string') this.sentence = message.sentence
    this.name = 'PathRefused'
  }
}

/** Longest name of one file or folder on the file systems RFAM runs on, in bytes. */
export const MAX_NAME_BYTES = 255

export const nameTooLong = () => new PathRefused('RFAM_NAME_TOO_LONG', say('error:name-too-long', { max: MAX_NAME_BYTES }))
