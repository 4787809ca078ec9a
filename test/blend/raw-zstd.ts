/**
 * Writes data as Zstandard frames of raw (stored, uncompressed) blocks plus a seek table, the
 * layout Blender's zstd files have. Node 20 has no zstd compressor; raw blocks are valid zstd that
 * any decoder reads, which lets tests choose frame boundaries (e.g. inside block headers).
 */
export function toSeekableRawZstd (data: Uint8Array, frameSize: number, seekTable = true): Buffer {
  const parts: Buffer[] = []
  const entries: [number, number][] = []
  for (let start = 0; start < data.length; start += frameSize) {
    const content = data.subarray(start, Math.min(start + frameSize, data.length))
    const frame = rawFrame(content)
    parts.push(frame)
    entries.push([frame.length, content.length])
  }
  if (!seekTable) return Buffer.concat(parts)
  const table = Buffer.alloc(8 + entries.length * 8 + 9)
  table.writeUInt32LE(0x184d2a5e, 0) // skippable frame
  table.writeUInt32LE(entries.length * 8 + 9, 4)
  entries.forEach(([c, d], i) => {
    table.writeUInt32LE(c, 8 + i * 8)
    table.writeUInt32LE(d, 12 + i * 8)
  })
  table.writeUInt32LE(entries.length, 8 + entries.length * 8)
  table.writeUInt8(0, 12 + entries.length * 8) // no checksums
  table.writeUInt32LE(0x8f92eab1, 13 + entries.length * 8)
  return Buffer.concat([...parts, table])
}

/** One frame: magic, single-segment descriptor with a 4-byte content size, raw blocks (≤ 128 KiB). */
function rawFrame (content: Uint8Array): Buffer {
  const header = Buffer.alloc(9)
  header.writeUInt32LE(0xfd2fb528, 0)
  header[4] = 0xa0 // frame content size in 4 bytes, single segment
  header.writeUInt32LE(content.length, 5)
  const parts = [header]
  const maxBlock = 128 * 1024
  for (let start = 0; start === 0 || start < content.length; start += maxBlock) {
    const block = content.subarray(start, Math.min(start + maxBlock, content.length))
    const last = start + maxBlock >= content.length ? 1 : 0
    const blockHeader = Buffer.alloc(3)
    blockHeader.writeUIntLE((block.length << 3) | last, 0, 3) // type 0 = raw
    parts.push(blockHeader, Buffer.from(block))
  }
  return Buffer.concat(parts)
}
