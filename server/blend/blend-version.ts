// The version of Blender that saved a .blend, from its header alone ('BLENDER-v304' -> '3.4'):
// the farm gives a job only to nodes with a Blender that can open it (farm/node-fit.ts).
import { BlendFileError } from './blend-error.ts'
import { openBlendStream, reason } from './blend-stream.ts'
import { describeFile, readHeader } from './read-header.ts'

/** '3.4' for a file saved by Blender 3.4 (compressed files too); throws BlendFileError for a file that is no .blend. */
export async function readBlendVersion (file: string): Promise<string> {
  const stream = await openBlendStream(file)
  try {
    return (await readHeader(file, describeFile(file, stream), stream)).version
  } catch (err) {
    if (err instanceof BlendFileError) throw err
    throw new BlendFileError('unreadable', file, `Cannot read "${file}": ${reason(err)}.`, { cause: err })
  } finally {
    await stream.close()
  }
}
