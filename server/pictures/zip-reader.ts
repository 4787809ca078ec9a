// Reads a .zip of pictures held in memory (a teacher's upload of the class's photos), with hard limits.
// No library: the zip container is a list of entries at the end of the file (the central directory)
// and node:zlib inflates each entry with a cap on what it may produce, so a "zip bomb" stops at the
// size its entry declares instead of filling memory. Only what pictures need is read: stored and
// deflated entries, no encryption, no Zip64 (a .zip of pictures is far below 4 GB).
//
// Names are never used as paths (pictures are stored under the person's ident), but a name that
// would lead out of the folder it is unpacked into ('../x', '/etc/x', 'C:\x') marks a .zip made to
// attack unzip tools: the whole file is refused.
import { crc32, inflateRawSync } from 'node:zlib'
import { badRequest } from '../errors.ts'
import { DEFLATED, DIRECTORY_ENTRY, DIRECTORY_ENTRY_SIZE, ENCRYPTED, END_OF_DIRECTORY, END_SIZE, LOCAL_HEADER, LOCAL_HEADER_SIZE, STORED, UTF8_NAMES } from '../zip-format.ts'

export interface ZipLimits {
  /** Entries the .zip may list (folders included). */
  maxEntries: number
  /** Bytes one entry may unpack to: larger ones are listed with `tooLarge` and never unpacked. */
  maxEntryBytes: number
}

export interface ZipEntry {
  /** The name inside the .zip, with '/' between folders. */
  name: string
  directory: boolean
  /** The size it unpacks to, as the .zip says. */
  size: number
  /** Larger than maxEntryBytes: not unpacked. */
  tooLarge: boolean
  /** Unpacks the entry; throws (a plain Error saying why) when it is damaged or uses a method RFAM cannot unpack. */
  read: () => Buffer
}

const badZip = (zip: string, why: string) => badRequest('RFAM_BAD_ZIP', `"${zip}" cannot be read as a .zip (${why}). Make it again (on Windows: right-click the folder, "Send to", "Compressed (zipped) folder") and upload that.`)

/** True when the bytes start as a .zip does. */
export function looksLikeZip (data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32LE(0) === LOCAL_HEADER
}

function findEnd (data: Buffer): number {
  // The end record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
  for (let at = data.length - END_SIZE; at >= Math.max(0, data.length - END_SIZE - 0xffff); at--) {
    if (data.readUInt32LE(at) === END_OF_DIRECTORY) return at
  }
  return -1
}

function decodeName (raw: Buffer, utf8: boolean): string {
  if (utf8) return raw.toString('utf8')
  // Old tools write names in the DOS code page without saying so; UTF-8 is what most write now.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw)
  } catch {
    return raw.toString('latin1')
  }
}

/** Refuses a name that would leave the folder a .zip is unpacked into. */
function checkName (zip: string, name: string): string {
  const clean = name.replace(/\\/g, '/')
  const leaves = name.includes('\0') || clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split('/').includes('..')
  if (leaves) {
    throw badRequest('RFAM_ZIP_PATH', `"${zip}" holds "${name.replace(/\0/g, '')}", a name that leads out of the .zip, so RFAM refuses the whole file. Put the pictures in one folder, zip that folder again and upload the new .zip.`)
  }
  return clean
}

export function readZip (data: Buffer, zip: string, limits: ZipLimits): ZipEntry[] {
  const end = findEnd(data)
  if (end < 0) throw badZip(zip, 'its list of files is missing; it may be cut short')
  const count = data.readUInt16LE(end + 10)
  const listSize = data.readUInt32LE(end + 12)
  const listStart = data.readUInt32LE(end + 16)
  if (count === 0xffff || listStart === 0xffffffff) throw badZip(zip, 'it is a Zip64 file, which RFAM does not read')
  if (count > limits.maxEntries) throw badRequest('RFAM_BAD_ZIP', `"${zip}" holds ${count} files; RFAM takes at most ${limits.maxEntries} at once. Upload the pictures in smaller .zip files.`)
  if (listStart + listSize > end) throw badZip(zip, 'its list of files points outside the file')
  const entries: ZipEntry[] = []
  let at = listStart
  for (let i = 0; i < count; i++) {
    if (at + DIRECTORY_ENTRY_SIZE > end || data.readUInt32LE(at) !== DIRECTORY_ENTRY) throw badZip(zip, 'its list of files is damaged')
    const flags = data.readUInt16LE(at + 8)
    const method = data.readUInt16LE(at + 10)
    const crc = data.readUInt32LE(at + 16)
    const packed = data.readUInt32LE(at + 20)
    const size = data.readUInt32LE(at + 24)
    const nameLength = data.readUInt16LE(at + 28)
    const skip = nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32)
    const local = data.readUInt32LE(at + 42)
    if (at + DIRECTORY_ENTRY_SIZE + skip > end) throw badZip(zip, 'its list of files is damaged')
    const name = checkName(zip, decodeName(data.subarray(at + DIRECTORY_ENTRY_SIZE, at + DIRECTORY_ENTRY_SIZE + nameLength), (flags & UTF8_NAMES) !== 0))
    if (flags & ENCRYPTED) throw badRequest('RFAM_BAD_ZIP', `"${zip}" is protected by a password. Make a .zip without a password and upload that.`)
    at += DIRECTORY_ENTRY_SIZE + skip
    const directory = name.endsWith('/')
    entries.push({
      name,
      directory,
      size,
      tooLarge: size > limits.maxEntryBytes,
      read: () => unpack(data, { local, packed, size, method, crc }, limits.maxEntryBytes),
    })
  }
  return entries
}

function unpack (data: Buffer, entry: { local: number, packed: number, size: number, method: number, crc: number }, max: number): Buffer {
  if (entry.size > max) throw new Error('it is too big')
  if (entry.local + LOCAL_HEADER_SIZE > data.length || data.readUInt32LE(entry.local) !== LOCAL_HEADER) throw new Error('it is damaged in the .zip')
  const start = entry.local + LOCAL_HEADER_SIZE + data.readUInt16LE(entry.local + 26) + data.readUInt16LE(entry.local + 28)
  if (start + entry.packed > data.length) throw new Error('it is cut short in the .zip')
  const packed = data.subarray(start, start + entry.packed)
  let out: Buffer
  if (entry.method === STORED) out = packed
  else if (entry.method === DEFLATED) {
    try {
      // Never more than the entry says it holds (and never more than the limit).
      out = inflateRawSync(packed, { maxOutputLength: Math.max(1, entry.size) })
    } catch {
      throw new Error('it is damaged in the .zip')
    }
  } else throw new Error('it is packed in a way RFAM cannot unpack')
  if (out.length !== entry.size || crc32(out) !== entry.crc) throw new Error('it is damaged in the .zip')
  return out
}
