import { open, stat, type FileHandle } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import { Decompress } from 'fzstd'
import { BlendFileError } from './blend-error.ts'
import { ChunkByteReader, FileByteReader, type ByteReader } from './byte-reader.ts'
import { readZstdSeekTable, SeekableZstdReader } from './zstd-seekable.ts'

/** How the .blend was stored: Blender < 3.0 compressed with gzip, Blender ≥ 3.0 with zstd. */
export type BlendCompression = 'none' | 'gzip' | 'zstd'

export interface BlendStream {
  compression: BlendCompression;
  /** The decompressed bytes, from the file header on. */
  reader: ByteReader;
  /** Size on disk, before decompression. */
  fileSize: number;
  close(): Promise<void>;
}

/** Magic numbers of formats that are not a .blend, to say more than "not a .blend". */
const FOREIGN_COMPRESSION: [string, number[]][] = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7-Zip', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
]

/** Opens a .blend, tells plain from gzip from zstd by the first bytes, and streams its content. */
export async function openBlendStream (file: string): Promise<BlendStream> {
  let handle: FileHandle
  try {
    // Checked before opening: opening a named pipe for reading would wait for a writer forever.
    if (!(await stat(file)).isFile()) {
      throw new BlendFileError('unreadable', file, `"${file}" is not a regular file, so it is not a .blend file.`)
    }
    handle = await open(file, 'r')
  } catch (err) {
    if (err instanceof BlendFileError) throw err
    throw new BlendFileError('unreadable', file, `Cannot open "${file}": ${reason(err)}.`, { cause: err })
  }
  try {
    const info = await handle.stat()
    if (info.size === 0) throw new BlendFileError('empty', file, `"${file}" is empty (0 bytes), so it is not a .blend file.`)
    const magic = Buffer.alloc(8)
    const { bytesRead } = await handle.read(magic, 0, 8, 0)
    const start = magic.subarray(0, bytesRead)
    const compression = detectCompression(file, start)
    const reader = await openReader(file, handle, info.size, compression)
    return {
      compression,
      reader,
      fileSize: info.size,
      close: async () => {
        try {
          await reader.close()
        } finally {
          await handle.close()
        }
      },
    }
  } catch (err) {
    await handle.close()
    throw err
  }
}

async function openReader (file: string, handle: FileHandle, size: number, compression: BlendCompression): Promise<ByteReader> {
  if (compression === 'none') return new FileByteReader(handle, size)
  if (compression === 'gzip') return new ChunkByteReader(gunzipChunks(file, handle))
  // Blender's zstd files carry a seek table that lets large blocks go undecompressed; a zstd
  // file without one (or cut short, losing it) is decompressed front to back instead.
  const frames = await readZstdSeekTable(handle, size)
  return frames ? new SeekableZstdReader(file, handle, frames) : new ChunkByteReader(unzstdChunks(file, handle))
}

function detectCompression (file: string, start: Uint8Array): BlendCompression {
  if (startsWith(start, [0x42, 0x4c, 0x45, 0x4e])) return 'none' // 'BLEN'; the full header is checked later
  if (startsWith(start, [0x1f, 0x8b])) return 'gzip'
  if (startsWith(start, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd'
  for (const [name, magic] of FOREIGN_COMPRESSION) {
    if (startsWith(start, magic)) {
      throw new BlendFileError(
        'unknown-compression',
        file,
        `"${file}" is compressed with ${name}, which Blender never writes; a .blend is plain, gzip or zstd.`
      )
    }
  }
  throw new BlendFileError(
    'not-blend',
    file,
    `"${file}" is not a .blend file: it starts with ${describeBytes(start)} instead of "BLENDER" or a gzip or zstd header.`
  )
}

async function * gunzipChunks (file: string, handle: FileHandle): AsyncGenerator<Uint8Array> {
  const source = handle.createReadStream({ autoClose: false, start: 0, highWaterMark: 256 * 1024 })
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  source.on('error', (err) => gunzip.destroy(err))
  source.pipe(gunzip)
  try {
    for await (const chunk of gunzip) yield chunk as Buffer
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'Z_BUF_ERROR') {
      throw new BlendFileError('truncated', file, `"${file}" is cut short: its gzip data ends in the middle.`, { cause: err })
    }
    throw new BlendFileError('corrupt', file, `"${file}" has broken gzip data: ${reason(err)}.`, { cause: err })
  } finally {
    source.unpipe(gunzip)
    source.destroy()
    gunzip.destroy()
  }
}

const ZSTD_PUSH_SIZE = 16 * 1024

// Node 20's zlib has no zstd, so fzstd (pure JS, streaming) decompresses it chunk by chunk.
async function * unzstdChunks (file: string, handle: FileHandle): AsyncGenerator<Uint8Array> {
  const source = handle.createReadStream({ autoClose: false, start: 0, highWaterMark: 256 * 1024 })
  const out: Uint8Array[] = []
  const decompress = new Decompress((chunk) => {
    out.push(chunk)
  })
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      decompress.push(chunk, final)
    } catch (err) {
      if ((err as { code?: unknown }).code === 5) {
        throw new BlendFileError('truncated', file, `"${file}" is cut short: its zstd data ends in the middle.`, { cause: err })
      }
      throw new BlendFileError('corrupt', file, `"${file}" has broken zstd data: ${reason(err)}.`, { cause: err })
    }
  }
  try {
    for await (const chunk of source) {
      // fzstd recurses once per frame inside one push, so many tiny frames in a big chunk
      // overflow the stack; slices of 16 KiB bound that depth.
      for (let at = 0; at < (chunk as Buffer).length; at += ZSTD_PUSH_SIZE) {
        push((chunk as Buffer).subarray(at, at + ZSTD_PUSH_SIZE), false)
        while (out.length > 0) yield out.shift()!
      }
    }
    push(new Uint8Array(0), true)
    while (out.length > 0) yield out.shift()!
  } finally {
    source.destroy()
  }
}

function startsWith (bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)
}

/** The first bytes as text when they are printable, otherwise as hex. */
export function describeBytes (bytes: Uint8Array): string {
  const text = String.fromCharCode(...bytes)
  if (/^[\x20-\x7e\t\r\n]*$/.test(text)) return JSON.stringify(text)
  return `the bytes ${Buffer.from(bytes).toString('hex').replace(/(..)(?=.)/g, '$1 ')}`
}

export function reason (err: unknown): string {
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOENT') return 'no such file'
  if (e?.code === 'EACCES') return 'permission denied'
  if (e?.code === 'EISDIR') return 'it is a directory'
  return e instanceof Error ? e.message : String(err)
}
