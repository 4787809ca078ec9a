// A file that cannot be a .blend, refused where it comes in (registering it as an asset, sending it
// to the farm) rather than after two failed Blender runs: the reader's sentence, naming the file as
// the student knows it (its path in the project, not the server's disk), plus what to do next.
import { badRequest, type HttpError } from '../errors.ts'
import { BlendFileError, type BlendErrorKind } from './blend-error.ts'
import { readBlendInfo } from './read-blend-links.ts'

const NEXT: Record<BlendErrorKind, (shown: string) => string> = {
  unreadable: () => 'The server cannot read it: ask a teacher to check the file\'s permissions.',
  empty: (shown) => `Save your work in Blender as ${shown} again (File > Save As), then try once more.`,
  'not-blend': (shown) => `Perhaps a different file was given the name ${shown}: open your scene in Blender and save it as ${shown} (File > Save As), then try again.`,
  'unknown-compression': (shown) => `Unpack it first, or open your scene in Blender and save it as ${shown} (File > Save As), then try again.`,
  truncated: (shown) => `Save it again from Blender (or copy it again, and wait until the copy has finished), then try once more; if Blender cannot open it either, take an earlier copy of ${shown} from the old/ folder.`,
  corrupt: (shown) => `Open it in Blender and save it again; if Blender cannot open it either, take an earlier copy of ${shown} from the old/ folder.`,
  unsupported: () => 'Save it with the Blender version the farm uses (ask a teacher which), then try again.',
}

/** The 400 for a file the .blend reader refused: RFAM_NOT_BLEND, its sentence about `shown`, and what to do. */
export function notABlend (err: BlendFileError, shown: string): HttpError {
  const said = err.message.split(err.file).join(shown)
  return badRequest('RFAM_NOT_BLEND', `${said} ${NEXT[err.kind](shown)}`)
}

/**
 * Refuses (400 RFAM_NOT_BLEND) a file the reader cannot read as a .blend. `abs` is the file on this
 * server, `shown` its path as people know it. Other errors (none expected) pass through.
 */
export async function mustBeBlend (abs: string, shown: string, read: (abs: string) => Promise<unknown> = readBlendInfo): Promise<void> {
  try {
    await read(abs)
  } catch (err) {
    if (err instanceof BlendFileError) throw notABlend(err, shown)
    throw err
  }
}
