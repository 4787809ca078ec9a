// JSON that was serialised once and cached, gzip-compressed (also once) for clients that accept
// it: a 10,000-asset list is 2.3 MB as JSON and about 145 kB compressed. The store keeps it;
// routes/api/send-cached-json.ts sends it.
import { gzip } from 'node:zlib'

export class CachedJson {
  private gz?: Promise<Buffer>
  constructor (readonly raw: Buffer) {}

  /**
   * Compressed once, at the strongest level (what every later reply saves in bytes is worth more than
   * the 50 ms it takes for 2 MB), on libuv's thread pool: other requests go on meanwhile.
   */
  gzipped (): Promise<Buffer> {
    this.gz ??= new Promise((resolve, reject) => gzip(this.raw, { level: 9 }, (err, out) => (err ? reject(err) : resolve(out))))
    return this.gz
  }
}
