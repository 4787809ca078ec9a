// A minimal, deterministic zip writer: stored names are UTF-8, data deflated (or stored, when asked),
// fixed dates, so the same files make the same bytes (the add-on's zip, built by npm run addon:build
// and served by GET /api/addon/zip). The tests' .zip files of pictures are made with it too.
import { crc32, deflateRawSync } from 'node:zlib'
import { DEFLATED, DIRECTORY_ENTRY, DIRECTORY_ENTRY_SIZE, END_OF_DIRECTORY, END_SIZE, LOCAL_HEADER, LOCAL_HEADER_SIZE, STORED, UTF8_NAMES } from '../zip-format.ts'

const DOS_DATE = (1 << 5) | 1 // 1980-01-01
const DOS_TIME = 0

export interface ZipInput {
  /** The name inside the zip, written as given ('/' between folders). */
  name: string
  data: Buffer
  /** Keep the bytes as they are instead of deflating them. */
  store?: boolean
}

/** An entry as the zip holds it: its bytes as written, how they are packed, their CRC and the size they unpack to. */
export interface PackedEntry {
  name: string
  method: typeof STORED | typeof DEFLATED
  packed: Buffer
  crc: number
  size: number
}

export function pack ({ name, data, store }: ZipInput): PackedEntry {
  return { name, method: store ? STORED : DEFLATED, packed: store ? data : deflateRawSync(data, { level: 9 }), crc: crc32(data), size: data.length }
}

/**
 * The fields a local header and its central directory entry both hold, in the same order (APPNOTE
 * 4.3.7 and 4.3.12): version needed … file name length, from `at` on.
 */
function writeFileFields (header: Buffer, at: number, entry: PackedEntry, nameLength: number): void {
  header.writeUInt16LE(20, at) // version needed
  header.writeUInt16LE(UTF8_NAMES, at + 2)
  header.writeUInt16LE(entry.method, at + 4)
  header.writeUInt16LE(DOS_TIME, at + 6)
  header.writeUInt16LE(DOS_DATE, at + 8)
  header.writeUInt32LE(entry.crc, at + 10)
  header.writeUInt32LE(entry.packed.length, at + 14)
  header.writeUInt32LE(entry.size, at + 18)
  header.writeUInt16LE(nameLength, at + 22)
}

export function zip (entries: ZipInput[]): Buffer {
  return zipPacked(entries.map(pack))
}

/** The zip of entries packed already (pack()), written as they say. */
export function zipPacked (entries: PackedEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const nameBytes = Buffer.from(entry.name, 'utf8')
    const local = Buffer.alloc(LOCAL_HEADER_SIZE) // the extra field's length (at 28) stays 0
    local.writeUInt32LE(LOCAL_HEADER, 0)
    writeFileFields(local, 4, entry, nameBytes.length)
    const central = Buffer.alloc(DIRECTORY_ENTRY_SIZE)
    central.writeUInt32LE(DIRECTORY_ENTRY, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below counts
    writeFileFields(central, 6, entry, nameBytes.length)
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38) // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, entry.packed)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + entry.packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(END_SIZE)
  end.writeUInt32LE(END_OF_DIRECTORY, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
