import { BlendFileError } from './blend-error.ts'
import { BLEND_MAGIC, parseBlendHeader, type BlendHeader } from './blend-header.ts'
import { bheadSize, parseBHead } from './bhead.ts'
import { describeBytes, openBlendStream, reason, type BlendCompression, type BlendStream } from './blend-stream.ts'
import { SceneCollector, type RenderSettings } from './render-settings.ts'
import { parseSdna, SdnaError, type Sdna } from './sdna.ts'

export { resolveLibraryPath } from './library-path.ts'

/**
 * Goes up by one whenever a change to this reader changes what it returns for some file: what it
 * returned before is kept across restarts (server/store/blend-link-cache.ts) and is then read again.
 */
export const BLEND_READER_VERSION = 2

export interface BlendInfo {
  /** Blender version that saved the file: '3.4'. */
  version: string;
  compression: BlendCompression;
  /** The libraries the file links, as Blender stores them ('//lib/chair.blend'), in file order. */
  libraries: string[];
  /** What the current scene renders (render-settings.ts); null for a file without a scene. */
  render: RenderSettings | null;
}

// Blocks this reader keeps in memory; anything larger is not a real DNA or Library block.
const MAX_DNA_BYTES = 64 * 1024 * 1024
const MAX_LIBRARY_BYTES = 1024 * 1024

/**
 * Reads a .blend's version, linked libraries and render settings without Blender: walks the block
 * headers to the end block, keeping only the Library ('LI') blocks, the few blocks the render
 * settings come from (render-settings.ts) and the DNA that says where in them each field is. Throws BlendFileError with a sentence naming the file for anything that is not a
 * complete .blend.
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
  const what = compression === 'none' ? `"${file}"` : `"${file}" (${compression}-compressed)`
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
    if (take) {
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

  if (libraryBlocks.length === 0 && !scenes.hasScene) return { version: header.version, compression, libraries: [], render: null }
  if (!dna) throw new BlendFileError('corrupt', file, `${what} is damaged: it has ${libraryBlocks.length ? 'libraries' : 'a scene'} but no DNA block describing them.`)
  try {
    const sdna = parseSdna(dna, header.littleEndian, header.pointerSize)
    const libraries = libraryBlocks
      .map((block) => libraryPath(file, what, sdna, block.sdnaIndex, block.data))
      .filter((path) => path !== '')
    return { version: header.version, compression, libraries, render: scenes.settings(sdna, header.littleEndian, header.pointerSize) }
  } catch (err) {
    if (err instanceof SdnaError) throw new BlendFileError('corrupt', file, `${what} is damaged: ${err.message}.`)
    throw err
  }
}

async function readHeader (file: string, what: string, { reader, compression }: BlendStream): Promise<BlendHeader> {
  const first = copy(await reader.read(12))
  const looksLikeBlend = first.length >= BLEND_MAGIC.length && String.fromCharCode(...first.subarray(0, 7)) === BLEND_MAGIC
  if (!looksLikeBlend) {
    const start = describeBytes(first.subarray(0, 8))
    const message =
      compression === 'none'
        ? `${what} is not a .blend file: it starts with ${start} instead of "BLENDER".`
        : `${what} holds no .blend: its content starts with ${start} instead of "BLENDER".`
    throw new BlendFileError('not-blend', file, message)
  }
  // Format 1 headers (Blender 5) are 17 bytes: read the rest when byte 7 is a digit.
  const isLong = first.length > 7 && first[7]! >= 0x30 && first[7]! <= 0x39
  const bytes = isLong ? concat(first, await reader.read(5)) : first
  const expected = isLong ? 17 : 12
  if (bytes.length < expected) {
    throw new BlendFileError('truncated', file, `${what} is cut short: it ends inside its ${expected}-byte header.`)
  }
  const header = parseBlendHeader(bytes)
  if ('problem' in header) throw new BlendFileError(header.kind, file, `${what} cannot be read: ${header.problem}.`)
  return header
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

/**
 * A copy the reader cannot overwrite: it reuses its buffer, and the bytes it hands out are often a
 * Buffer, whose slice() is a view of the same memory, not a copy.
 */
function copy (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
