// A PNG of RGBA pixels, written with node:zlib alone: a thumbnail of 128 × 128 takes about a
// millisecond, where loading sharp (which the server has, for frames and pictures) takes far longer
// than the few thumbnails a page asks for. Each row gets the filter that leaves the smallest
// differences (PNG's usual heuristic), which roughly halves the size of a rendered picture.
import { crc32, deflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** A PNG (8-bit RGBA, not interlaced) of width × height pixels given top row first, 4 bytes each. */
export function encodePng (width: number, height: number, rgba: Uint8Array): Buffer {
  const stride = width * 4
  if (rgba.length < stride * height) throw new RangeError(`encodePng: ${rgba.length} bytes for ${width} × ${height} pixels`)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 6, 0, 0, 0], 8) // 8 bits per sample, RGBA, deflate, adaptive filters, no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(filtered(rgba, stride, height))), chunk('IEND', Buffer.alloc(0))])
}

/** Each row prefixed with its filter type and filtered by it: None, Sub, Up, Average or Paeth, the one of smallest sum. */
function filtered (rgba: Uint8Array, stride: number, height: number): Buffer {
  const out = Buffer.alloc((stride + 1) * height)
  const zero = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride)
    const up = y === 0 ? zero : rgba.subarray((y - 1) * stride, y * stride)
    // One pass sums what each filter would leave; the second writes the smallest.
    let none = 0
    let sub = 0
    let above = 0
    let average = 0
    let paethSum = 0
    for (let i = 0; i < stride; i++) {
      const x = row[i]!
      const a = i >= 4 ? row[i - 4]! : 0
      const b = up[i]!
      none += small(x)
      sub += small(x - a)
      above += small(x - b)
      average += small(x - ((a + b) >> 1))
      paethSum += small(x - paeth(a, b, i >= 4 ? up[i - 4]! : 0))
    }
    const sums = [none, sub, above, average, paethSum]
    let type = 0
    for (let k = 1; k < 5; k++) if (sums[k]! < sums[type]!) type = k
    const at = y * (stride + 1)
    out[at] = type
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? row[i - 4]! : 0
      const b = up[i]!
      const predicted = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, i >= 4 ? up[i - 4]! : 0)
      out[at + 1 + i] = row[i]! - predicted
    }
  }
  return out
}

/** How far a filtered byte is from 0, either way (the heuristic's measure). */
function small (difference: number): number {
  const v = difference & 0xff
  return v < 128 ? v : 256 - v
}

function paeth (a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = p > a ? p - a : a - p
  const pb = p > b ? p - b : b - p
  const pc = p > c ? p - c : c - p
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

function chunk (type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
