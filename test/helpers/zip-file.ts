// Makes .zip files in tests, names and all as given (a real zip tool refuses '../' names, which the
// tests need): each entry deflated unless `store`, with its CRC; `size` may lie about the unpacked size.
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipInput { name: string, data: Buffer | string, store?: boolean, size?: number }

export function makeZip (entries: ZipInput[]): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const data = Buffer.from(entry.data)
    const packed = entry.store ? data : deflateRawSync(data)
    const name = Buffer.from(entry.name, 'utf8')
    const head = Buffer.alloc(30)
    head.writeUInt32LE(0x04034b50, 0)
    head.writeUInt16LE(20, 4)
    head.writeUInt16LE(0x800, 6)
    head.writeUInt16LE(entry.store ? 0 : 8, 8)
    head.writeUInt32LE(crc32(data), 14)
    head.writeUInt32LE(packed.length, 18)
    head.writeUInt32LE(entry.size ?? data.length, 22)
    head.writeUInt16LE(name.length, 26)
    const dir = Buffer.alloc(46)
    dir.writeUInt32LE(0x02014b50, 0)
    dir.writeUInt16LE(20, 4)
    dir.writeUInt16LE(20, 6)
    dir.writeUInt16LE(0x800, 8)
    dir.writeUInt16LE(entry.store ? 0 : 8, 10)
    dir.writeUInt32LE(crc32(data), 16)
    dir.writeUInt32LE(packed.length, 20)
    dir.writeUInt32LE(entry.size ?? data.length, 24)
    dir.writeUInt16LE(name.length, 28)
    dir.writeUInt32LE(offset, 42)
    locals.push(head, name, packed)
    central.push(dir, name)
    offset += head.length + name.length + packed.length
  }
  const list = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(list.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, list, end])
}

/** A multipart/form-data body of several files, each in the field 'file'. */
export function multipartFiles (files: Array<{ name: string, data: Buffer, type?: string }>): { payload: Buffer, headers: Record<string, string> } {
  const boundary = '----rfamtest' + Math.random().toString(16).slice(2)
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`),
    f.data,
    Buffer.from('\r\n'),
  ])
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
