import { BlendFileError } from './blend-error.ts'
import { bheadSize, parseBHead } from './bhead.ts'
import { openBlendStream, reason, type BlendCompression, type BlendStream } from './blend-stream.ts'
import { copy, describeFile, readHeader } from './read-header.ts'
import { SceneCollector, type RenderSettings } from './render-settings.ts'
import { THUMBNAIL_HEAD_BYTES, thumbnailSize, type ThumbnailSize } from './thumbnail.ts'
import { parseSdna, SdnaError, type Sdna } from './sdna.ts'

export { resolveLibraryPath } from './library-path.ts'

/**
 * Goes up by one whenever a change to this reader changes what it returns for some file: what it
 * returned before is kept across restarts (server/store/blend-link-cache.ts) and is then read again.
 */
export const BLEND_READER_VERSION = 3

export interface BlendInfo {
  /** Blender version that saved the file: '3.4'. */
  version: string;
  compression: BlendCompression;
  /** The libraries the file links, as Blender stores them ('//lib/chair.blend'), in file order. */
  libraries: string[];
  /** What the current scene renders (render-settings.ts); null for a file without a scene. */
  render: RenderSettings | null;
  /** The size of the preview picture Blender stored in it (thumbnail.ts), null: none this server shows. */
  thumbnail: ThumbnailSize | null;
}

// Blocks this reader keeps in memory; anything larger is not a real DNA or Library block.
const MAX_DNA_BYTES = 64 * 1024 * 1024
const MAX_LIBRARY_BYTES = 1024 * 1024

/**
 * Reads a .blend's version, linked libraries, render settings and whether it holds a thumbnail
 * without Blender: walks the block headers to the end block, keeping only the Library ('LI')
 * blocks, the few blocks the render settings come from (render-settings.ts), the DNA that says where
 * in them each field is, and the size of the thumbnail ('TEST', thumbnail.ts). Throws
 * BlendFileError with a sentence naming the file for anything that is not a complete .blend.
 */
export async function readBlendInfo (file: string): Promise<BlendInfo> {
  const stream = await openBlendStream(file)
  try {
    return await walkBlocks(file, stream)
  } catch (err) {
    if (err instanceof BlendFileError) throw err
    throw new BlendFileError('unreadable', file, `Cannot read "${file}": ${reason(err)}.`, { cause: err })
  } finally {
    await stream.close()
  }
}

async function walkBlocks (file: string, stream: BlendStream): Promise<BlendInfo> {
  const { reader, compression } = stream
  const what = describeFile(file, stream)
  let offset = 0
  const truncated = () =>
    new BlendFileError(
      'truncated',
      file,
      `${what} is cut short: it ends after ${offset} bytes, before the block that closes every .blend (ENDB); ` +
        'it was probably not saved or copied completely.'
    )

  const header = await readHeader(file, what, stream)
  offset = header.headerSize
  const headSize = bheadSize(header)
  const libraryBlocks: { data: Uint8Array; sdnaIndex: number }[] = []
  const scenes = new SceneCollector()
  let dna: Uint8Array | undefined
  let thumbnail: ThumbnailSize | null = null
  /** Still among the blocks before the first that is not a scene's 'REND': where Blender puts (and looks for) its thumbnail. */
  let leading = true

  for (;;) {
    const raw = await reader.read(headSize)
    if (raw.length < headSize) {
      // Some old Blenders wrote a short ENDB header as the very last bytes.
      if (raw.length >= 4 && String.fromCharCode(...raw.subarray(0, 4)) === 'ENDB') break
      offset += raw.length
      throw truncated()
    }
    const block = parseBHead(raw, header)
    if (block.length < 0) {
      throw new BlendFileError('corrupt', file, `${what} is damaged: the block at byte ${offset} has an impossible length.`)
    }
    offset += headSize
    if (block.code === 'ENDB') break
    const take = scenes.wants(block)
    const isThumbnail = leading && block.code === 'TEST'
    leading &&= block.code === 'REND'
    if (isThumbnail) {
      const head = copy(await reader.read(Math.min(THUMBNAIL_HEAD_BYTES, block.length)))
      const skipped = await reader.skip(block.length - head.length)
      offset += head.length + skipped
      if (head.length + skipped < block.length) throw truncated()
      thumbnail = thumbnailSize(head, header.littleEndian, block.length)
    } else if (take) {
      const data = copy(await reader.read(take.keep))
      const skipped = await reader.skip(block.length - take.keep)
      offset += data.length + skipped
      if (data.length + skipped < block.length) throw truncated()
      scenes.take(block, data)
    } else if (block.code === 'DNA1' || block.code === 'LI') {
      const limit = block.code === 'DNA1' ? MAX_DNA_BYTES : MAX_LIBRARY_BYTES
      if (block.length > limit) {
        const message = `${what} is damaged: its ${block.code} block at byte ${offset - headSize} claims ${block.length} bytes.`
        throw new BlendFileError('corrupt', file, message)
      }
      const data = copy(await reader.read(block.length))
      offset += data.length
      if (data.length < block.length) throw truncated()
      if (block.code === 'DNA1') dna = data
      else libraryBlocks.push({ data, sdnaIndex: block.sdnaIndex })
    } else {
      const skipped = await reader.skip(block.length)
      offset += skipped
      if (skipped < block.length) throw truncated()
    }
  }

  if (libraryBlocks.length === 0 && !scenes.hasScene) return { version: header.version, compression, libraries: [], render: null, thumbnail }
  if (!dna) throw new BlendFileError('corrupt', file, `${what} is damaged: it has ${libraryBlocks.length ? 'libraries' : 'a scene'} but no DNA block describing them.`)
  try {
    const sdna = parseSdna(dna, header.littleEndian, header.pointerSize)
    const libraries = libraryBlocks
      .map((block) => libraryPath(file, what, sdna, block.sdnaIndex, block.data))
      .filter((path) => path !== '')
    return { version: header.version, compression, libraries, render: scenes.settings(sdna, header.littleEndian, header.pointerSize), thumbnail }
  } catch (err) {
    if (err instanceof SdnaError) throw new BlendFileError('corrupt', file, `${what} is damaged: ${err.message}.`)
    throw err
  }
}

/**
 * The stored path of one Library block. Files keep DNA's historical field names: up to Blender 4
 * the path as the user set it is Library.name (Blender's code calls it `filepath`), and
 * Library.filepath is the absolute path at save time, so `name` wins whenever it exists.
 */
function libraryPath (file: string, what: string, sdna: Sdna, sdnaIndex: number, data: Uint8Array): string {
  const struct = sdna.structAt(sdnaIndex)
  if (!struct || struct.type !== 'Library') {
    throw new BlendFileError('corrupt', file, `${what} is damaged: a library block holds a ${struct?.type ?? 'unknown'} struct, not a Library.`)
  }
  const field =
    struct.fields.find((f) => f.name === 'name' && f.type === 'char' && !f.isPointer) ??
    struct.fields.find((f) => f.name === 'filepath' && f.type === 'char' && !f.isPointer)
  if (!field) throw new BlendFileError('unsupported', file, `${what} cannot be read: its Library struct has no file path field this reader knows.`)
  if (field.offset + field.size > data.length) {
    throw new BlendFileError('corrupt', file, `${what} is damaged: a library block is shorter than its Library struct.`)
  }
  const bytes = data.subarray(field.offset, field.offset + field.size)
  const end = bytes.indexOf(0)
  return new TextDecoder('utf-8').decode(end < 0 ? bytes : bytes.subarray(0, end))
}
