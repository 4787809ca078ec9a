// A path or name the shared code refuses because of what it was given (one that leaves its share, a
// link to write through, a name too long for a file): a code and a sentence a person can act on. A
// plain error, so a render node or a prenode uses the shared code without the server's HTTP errors;
// the server answers it with 400 and the same code and sentence (server/server.ts).
export class PathRefused extends Error {
  constructor (readonly code: string, message: string) {
    super(message)
    this.name = 'PathRefused'
  }
}

/** Longest name of one file or folder on the file systems RFAM runs on, in bytes. */
export const MAX_NAME_BYTES = 255

export const nameTooLong = () => new PathRefused('RFAM_NAME_TOO_LONG',
  `That name is too long for a file: each folder or file name can have at most ${MAX_NAME_BYTES} letters (fewer with accents). Use a shorter one.`)
