// The first step of every reading of a .blend: its file header, from the (decompressed) stream,
// with a sentence naming the file for anything that is not the start of a .blend.
import { BlendFileError } from './blend-error.ts'
import { BLEND_MAGIC, parseBlendHeader, type BlendHeader } from './blend-header.ts'
import { describeBytes, type BlendStream } from './blend-stream.ts'

/**
 * Reads and checks the header; the stream is then at the first block header. `what` names the file
 * in sentences ('"a.blend" (zstd-compressed)').
 */
export async function readHeader (file: string, what: string, { reader, compression }: BlendStream): Promise<BlendHeader> {
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

/** How the file is named in sentences: with its compression when it has one. */
export function describeFile (file: string, stream: BlendStream): string {
  return stream.compression === 'none' ? `"${file}"` : `"${file}" (${stream.compression}-compressed)`
}

/**
 * A copy the reader cannot overwrite: it reuses its buffer, and the bytes it hands out are often a
 * Buffer, whose slice() is a view of the same memory, not a copy.
 */
export function copy (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
