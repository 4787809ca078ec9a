import type { FileHandle } from 'node:fs/promises'
import { decompress } from 'fzstd'
import { BlendFileError } from './blend-error.ts'
import type { ByteReader } from './byte-reader.ts'

/**
 * Random access into a zstd .blend through the seek table Blender (≥ 3.0) appends: it writes
 * independent frames of at most 1 MiB, large blocks in frames of their own, and ends the file
 * with a skippable frame listing every frame's sizes ("Zstandard seekable format"). Frames the
 * block walker skips over entirely are never decompressed, which is most of a heavy file.
 *
 * Seek table: skippable frame (magic 0x184D2A5E, u32 size), then per frame u32 compressed size,
 * u32 decompressed size (and u32 checksum if the descriptor's bit 7 is set), then the footer:
 * u32 frame count, u8 descriptor, u32 magic 0x8F92EAB1. All little endian.
 */
export interface ZstdFrame {
  compressedOffset: number;
  compressedSize: number;
  /** Where the frame's content starts in the decompressed data. */
  offset: number;
  size: number;
}

const SKIPPABLE_MAGIC = 0x184d2a5e
const SEEKABLE_MAGIC = 0x8f92eab1
const FOOTER_SIZE = 9

/** The frames listed by the file's seek table, or null when it has none or it does not add up. */
export async function readZstdSeekTable (handle: FileHandle, fileSize: number): Promise<ZstdFrame[] | null> {
  if (fileSize < 8 + FOOTER_SIZE) return null
  const footer = Buffer.alloc(FOOTER_SIZE)
  await handle.read(footer, 0, FOOTER_SIZE, fileSize - FOOTER_SIZE)
  if (footer.readUInt32LE(5) !== SEEKABLE_MAGIC) return null
  const count = footer.readUInt32LE(0)
  const descriptor = footer[4]!
  if ((descriptor & 0x7f) !== 0) return null // reserved bits
  const entrySize = descriptor & 0x80 ? 12 : 8
  const tableSize = count * entrySize
  const frameStart = fileSize - FOOTER_SIZE - tableSize - 8
  if (count === 0 || frameStart < 0) return null
  const table = Buffer.alloc(tableSize + 8)
  await handle.read(table, 0, table.length, frameStart)
  if (table.readUInt32LE(0) !== SKIPPABLE_MAGIC || table.readUInt32LE(4) !== tableSize + FOOTER_SIZE) return null
  const frames: ZstdFrame[] = []
  let compressedOffset = 0
  let offset = 0
  for (let i = 0; i < count; i++) {
    const compressedSize = table.readUInt32LE(8 + i * entrySize)
    const size = table.readUInt32LE(12 + i * entrySize)
    frames.push({ compressedOffset, compressedSize, offset, size })
    compressedOffset += compressedSize
    offset += size
  }
  // The frames must tile the file up to the seek table exactly, or the table is not to be trusted.
  return compressedOffset === frameStart ? frames : null
}

/** Reads decompressed bytes, decompressing only the frames that a read touches. */
export class SeekableZstdReader implements ByteReader {
  private position = 0
  private readonly total: number
  private current: { index: number; data: Uint8Array } | undefined

  constructor (
    private readonly file: string,
    private readonly handle: FileHandle,
    private readonly frames: ZstdFrame[]
  ) {
    const last = frames[frames.length - 1]!
    this.total = last.offset + last.size
  }

  async read (n: number): Promise<Uint8Array> {
    const end = Math.min(this.position + n, this.total)
    const first = await this.frameData(this.frameIndexAt(this.position))
    const frame = this.frames[this.current!.index]!
    if (end <= frame.offset + frame.size) {
      const view = first.subarray(this.position - frame.offset, end - frame.offset)
      this.position = end
      return view
    }
    const out = new Uint8Array(end - this.position)
    let filled = 0
    while (this.position < end) {
      const index = this.frameIndexAt(this.position)
      const data = await this.frameData(index)
      const f = this.frames[index]!
      const part = data.subarray(this.position - f.offset, Math.min(end, f.offset + f.size) - f.offset)
      out.set(part, filled)
      filled += part.length
      this.position += part.length
    }
    return out
  }

  async skip (n: number): Promise<number> {
    const skipped = Math.max(0, Math.min(n, this.total - this.position))
    this.position += skipped
    return skipped
  }

  async close (): Promise<void> {
    this.current = undefined
  }

  /** The frame holding byte `position` (the last frame when at the end). */
  private frameIndexAt (position: number): number {
    let lo = this.current && this.frames[this.current.index]!.offset <= position ? this.current.index : 0
    let hi = this.frames.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.frames[mid]!.offset <= position) lo = mid
      else hi = mid - 1
    }
    // Empty frames share their offset with the next one; move to one that holds the byte.
    while (lo < this.frames.length - 1 && this.frames[lo]!.offset + this.frames[lo]!.size <= position) lo++
    return lo
  }

  private async frameData (index: number): Promise<Uint8Array> {
    if (this.current?.index === index) return this.current.data
    const frame = this.frames[index]!
    const compressed = Buffer.allocUnsafe(frame.compressedSize)
    const { bytesRead } = await this.handle.read(compressed, 0, frame.compressedSize, frame.compressedOffset)
    let data: Uint8Array
    try {
      if (bytesRead < frame.compressedSize) throw new Error('the file is shorter than its seek table says')
      data = decompress(compressed)
    } catch (err) {
      const where = `frame ${index + 1} of ${this.frames.length}`
      const message = `"${this.file}" has broken zstd data in ${where}: ${(err as Error).message}.`
      throw new BlendFileError('corrupt', this.file, message, { cause: err })
    }
    if (data.length !== frame.size) {
      const message = `"${this.file}" has broken zstd data: frame ${index + 1} holds ${data.length} bytes, its seek table says ${frame.size}.`
      throw new BlendFileError('corrupt', this.file, message)
    }
    this.current = { index, data }
    return data
  }
}
