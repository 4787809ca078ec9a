// The smallest file the server's .blend reader takes as a .blend: a Blender 3.4 header (64-bit,
// little-endian) and the block that ends every .blend, nothing in between (no scene, so no render
// settings). For tests that need a .blend to exist but never render it; tests that render make
// theirs with real Blender (test/blend/make-blend-fixtures.py, test/node/make-scenes.py).
import { gunzipSync } from 'node:zlib'
import { decompress } from 'fzstd'
import { parseBlendHeader } from '../../server/blend/blend-header.ts'
import { bheadSize, parseBHead } from '../../server/blend/bhead.ts'

export const TINY_BLEND = 'BLENDER-v304ENDB' + '\0'.repeat(20)

export interface BlendBlock {
  /** Up to four characters: 'REND', 'TEST', 'GLOB', 'ENDB' … */
  code: string
  data: Uint8Array
}

export interface BlendLayout {
  /** '3.4' 64-bit little-endian (default), 'be32' a 32-bit big-endian Blender 2.x, '5.0' Blender 5's large block headers. */
  layout?: '3.4' | 'be32' | '5.0'
  /** The length the TEST block's header gives (default: its data's length), to make one that lies. */
  testLength?: number
}

/**
 * A .blend of the given blocks (the end block added), in one of the file layouts the server's reader
 * knows: for tests of what it does with blocks Blender makes and with ones it never would.
 */
export function blendOf (blocks: BlendBlock[], options: BlendLayout = {}): Buffer {
  const layout = options.layout ?? '3.4'
  const parts: Buffer[] = [Buffer.from(layout === 'be32' ? 'BLENDER_V279' : layout === '5.0' ? 'BLENDER17-01v0500' : 'BLENDER-v304', 'latin1')]
  for (const { code, data } of [...blocks, { code: 'ENDB', data: new Uint8Array(0) }]) {
    const length = code === 'TEST' && options.testLength !== undefined ? options.testLength : data.length
    const head = Buffer.alloc(layout === 'be32' ? 20 : layout === '5.0' ? 32 : 24)
    head.write(code, 0, 'latin1')
    if (layout === 'be32') head.writeInt32BE(length, 4)
    else if (layout === '5.0') head.writeBigInt64LE(BigInt(length), 16)
    else head.writeInt32LE(length, 4)
    parts.push(head, Buffer.from(data))
  }
  return Buffer.concat(parts)
}

/**
 * The data of a TEST block as Blender writes it: width and height (int32 in the file's byte order),
 * then RGBA pixels with the bottom row first. `pixel(x, y)` gives the colour with y = 0 the top row.
 */
export function thumbnailBlock (width: number, height: number, pixel: (x: number, y: number) => number[], littleEndian = true): Uint8Array {
  const data = Buffer.alloc(8 + width * height * 4)
  if (littleEndian) { data.writeInt32LE(width, 0); data.writeInt32LE(height, 4) } else { data.writeInt32BE(width, 0); data.writeInt32BE(height, 4) }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), 8 + ((height - 1 - y) * width + x) * 4)
  }
  return data
}

/** A .blend (Blender 3.4's layout) whose thumbnail is `width` × `height` of `pixel` (see thumbnailBlock). */
export function blendWithThumbnail (width: number, height: number, pixel: (x: number, y: number) => number[]): Buffer {
  return blendOf([{ code: 'REND', data: new Uint8Array(72) }, { code: 'TEST', data: thumbnailBlock(width, height, pixel) }, { code: 'GLOB', data: new Uint8Array(16) }])
}

/**
 * A .blend (plain, gzip or zstd, as Blender saves them) with a thumbnail block put where Blender
 * writes one, after the scenes' REND blocks; written uncompressed, which Blender opens as well. For
 * tests of a real scene with a picture when headless Blender saves none (config/defaults' templates).
 */
export function withThumbnail (blend: Uint8Array, thumbnail: Uint8Array): Buffer {
  const zstd = blend[0] === 0x28 && blend[1] === 0xb5 && blend[2] === 0x2f && blend[3] === 0xfd
  const plain = Buffer.from(zstd ? decompress(blend) : blend[0] === 0x1f && blend[1] === 0x8b ? gunzipSync(blend) : blend)
  const header = parseBlendHeader(plain)
  if ('problem' in header) throw new Error(`withThumbnail: not a .blend (${header.problem})`)
  const size = bheadSize(header)
  let at = header.headerSize
  for (let block = parseBHead(plain.subarray(at, at + size), header); block.code === 'REND'; block = parseBHead(plain.subarray(at, at + size), header)) at += size + block.length
  const head = Buffer.alloc(size)
  head.write('TEST', 0, 'latin1')
  // Its length, and a count of 1 (as Blender writes it); no pointer, no DNA struct.
  if (header.formatVersion === 1) {
    head.writeBigInt64LE(BigInt(thumbnail.length), 16)
    head.writeBigInt64LE(1n, 24)
  } else {
    const countAt = header.pointerSize === 4 ? 16 : 20
    if (header.littleEndian) { head.writeInt32LE(thumbnail.length, 4); head.writeInt32LE(1, countAt) } else { head.writeInt32BE(thumbnail.length, 4); head.writeInt32BE(1, countAt) }
  }
  return Buffer.concat([plain.subarray(0, at), head, thumbnail, plain.subarray(at)])
}
