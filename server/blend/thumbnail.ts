// The preview picture Blender stores inside a .blend (its "thumbnail"), read without Blender.
//
// Blender writes it as a block of code 'TEST' right after the file header and the scenes' 'REND'
// blocks, before anything else (writefile.cc: write_renderinfo, then write_thumb), and reads it only
// there (readfile.cc stops looking at the first block that is neither): two int32 (width, height, in
// the file's byte order), then width × height RGBA pixels, rows bottom-up, usually 128 × 128. This
// reader looks in the same place, so reading a thumbnail costs the first few kilobytes of the file,
// whatever its size and compression.
import { BlendFileError } from './blend-error.ts'
import { bheadSize, parseBHead } from './bhead.ts'
import { openBlendStream, reason } from './blend-stream.ts'
import type { ByteReader } from './byte-reader.ts'
import { copy, describeFile, readHeader } from './read-header.ts'

/** Larger thumbnails are refused (Blender makes 128 × 128): nothing is allocated from a size a file claims beyond this. */
export const MAX_THUMBNAIL_SIDE = 1024

export interface ThumbnailSize {
  width: number
  height: number
}

export interface BlendThumbnail extends ThumbnailSize {
  /** width × height RGBA pixels, 4 bytes each, rows top-down (as pictures on screens go). */
  rgba: Uint8Array
}

/** The bytes of a 'TEST' block before its pixels: width and height. */
export const THUMBNAIL_HEAD_BYTES = 8

/**
 * The size a 'TEST' block holds, or null when it holds no thumbnail this reader takes: a side of
 * 0 or less or above MAX_THUMBNAIL_SIDE, or a block shorter than its pixels. `head` is the block's
 * first THUMBNAIL_HEAD_BYTES bytes, `blockLength` the length its block header gives.
 */
export function thumbnailSize (head: Uint8Array, littleEndian: boolean, blockLength: number): ThumbnailSize | null {
  if (head.length < THUMBNAIL_HEAD_BYTES) return null
  const view = new DataView(head.buffer, head.byteOffset, THUMBNAIL_HEAD_BYTES)
  const width = view.getInt32(0, littleEndian)
  const height = view.getInt32(4, littleEndian)
  if (!(width >= 1 && height >= 1 && width <= MAX_THUMBNAIL_SIDE && height <= MAX_THUMBNAIL_SIDE)) return null
  if (blockLength < THUMBNAIL_HEAD_BYTES + width * height * 4) return null
  return { width, height }
}

/**
 * The thumbnail of a .blend, or null when it has none this reader takes: no 'TEST' block where
 * Blender puts it, or one of an impossible or too large size, or cut short. Throws BlendFileError
 * (a sentence naming the file) for a file that is no .blend at all.
 */
export async function readBlendThumbnail (file: string): Promise<BlendThumbnail | null> {
  const stream = await openBlendStream(file)
  try {
    const header = await readHeader(file, describeFile(file, stream), stream)
    const headSize = bheadSize(header)
    for (;;) {
      const raw = await stream.reader.read(headSize)
      if (raw.length < headSize) return null
      const block = parseBHead(raw, header)
      if (block.length < 0) return null
      if (block.code === 'TEST') return await readPixels(stream.reader, header.littleEndian, block.length)
      if (block.code !== 'REND') return null
      if (await stream.reader.skip(block.length) < block.length) return null
    }
  } catch (err) {
    if (err instanceof BlendFileError) throw err
    throw new BlendFileError('unreadable', file, `Cannot read "${file}": ${reason(err)}.`, { cause: err })
  } finally {
    await stream.close()
  }
}

async function readPixels (reader: ByteReader, littleEndian: boolean, blockLength: number): Promise<BlendThumbnail | null> {
  const size = thumbnailSize(copy(await reader.read(THUMBNAIL_HEAD_BYTES)), littleEndian, blockLength)
  if (!size) return null
  const { width, height } = size
  const stride = width * 4
  const pixels = await reader.read(stride * height)
  if (pixels.length < stride * height) return null
  // Blender keeps rows bottom-up (its image buffers' order): the last row stored is the top one.
  const rgba = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) rgba.set(pixels.subarray((height - 1 - y) * stride, (height - y) * stride), y * stride)
  // A block the file ends inside (its length a lie, or the file cut short) is none, as for Blender.
  const rest = blockLength - THUMBNAIL_HEAD_BYTES - stride * height
  if (rest > 0 && await reader.skip(rest) < rest) return null
  return { width, height, rgba }
}
