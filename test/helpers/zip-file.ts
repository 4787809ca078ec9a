// Makes .zip files in tests with the server's own writer (server/addon/zip-writer.ts), names and all
// as given (a real zip tool refuses '../' names, which the tests need): each entry deflated unless
// `store`; `size` may lie about the unpacked size (a "zip bomb", or one that says it is huge).
import { pack, zipPacked } from '../../server/addon/zip-writer.ts'

export interface ZipInput { name: string, data: Buffer | string, store?: boolean, size?: number }

export function makeZip (entries: ZipInput[]): Buffer {
  return zipPacked(entries.map(({ name, data, store, size }) => {
    const entry = pack({ name, data: Buffer.from(data), store })
    return size === undefined ? entry : { ...entry, size }
  }))
}
