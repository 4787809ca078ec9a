// A minimal, deterministic zip writer: stored names are UTF-8, data deflated, fixed dates, so the
// same files make the same bytes (the add-on's zip, built by npm run addon:build and served by
// GET /api/addon/zip).
import { crc32, deflateRawSync } from 'node:zlib'

const DOS_DATE = (1 << 5) | 1 // 1980-01-01
const DOS_TIME = 0

/**
 * The fields a local header and its central directory entry both hold, in the same order (APPNOTE
 * 4.3.7 and 4.3.12): version needed … file name length, from `at` on.
 */
function writeFileFields (header: Buffer, at: number, file: { crc: number, packedSize: number, size: number, nameLength: number }): void {
  header.writeUInt16LE(20, at) // version needed
  header.writeUInt16LE(0x0800, at + 2) // UTF-8 names
  header.writeUInt16LE(8, at + 4) // deflate
  header.writeUInt16LE(DOS_TIME, at + 6)
  header.writeUInt16LE(DOS_DATE, at + 8)
  header.writeUInt32LE(file.crc, at + 10)
  header.writeUInt32LE(file.packedSize, at + 14)
  header.writeUInt32LE(file.size, at + 18)
  header.writeUInt16LE(file.nameLength, at + 22)
}

export function zip (entries: { name: string, data: Buffer }[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8')
    const packed = deflateRawSync(data, { level: 9 })
    const file = { crc: crc32(data), packedSize: packed.length, size: data.length, nameLength: nameBytes.length }
    const local = Buffer.alloc(30) // the extra field's length (at 28) stays 0
    local.writeUInt32LE(0x04034b50, 0)
    writeFileFields(local, 4, file)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below counts
    writeFileFields(central, 6, file)
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38) // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, packed)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
