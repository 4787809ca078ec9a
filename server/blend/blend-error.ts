/** Why a .blend file could not be read; lets callers tell a broken file from a missing one. */
export type BlendErrorKind =
  | 'unreadable' // the file system refused: missing, a directory, no permission
  | 'empty'
  | 'not-blend' // neither a .blend nor a compressed .blend
  | 'unknown-compression' // compressed with something Blender never writes
  | 'truncated' // ends before the ENDB block
  | 'corrupt' // impossible block sizes, broken DNA, broken compressed data
  | 'unsupported' // a header from a Blender file format this reader does not know

/** The one error type the blend readers throw; its message is a sentence that names the file. */
export class BlendFileError extends Error {
  override readonly name = 'BlendFileError'
  constructor (
    readonly kind: BlendErrorKind,
    readonly file: string,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}
