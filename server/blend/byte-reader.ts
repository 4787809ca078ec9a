import type { FileHandle } from 'node:fs/promises'

/**
 * Sequential access to the bytes of a (decompressed) .blend, so the block walker does not care
 * whether they come straight from the file or out of a decompressor.
 */
export interface ByteReader {
  /** The next n bytes; fewer only when the data ends. The view is valid until the next call. */
  read(n: number): Promise<Uint8Array>;
  /** Passes over n bytes without keeping them; returns how many there were (fewer at the end). */
  skip(n: number): Promise<number>;
  close(): Promise<void>;
}

const BUFFER_SIZE = 64 * 1024

/**
 * Reads a plain file with positioned reads through one small buffer: block headers that sit close
 * together come from the buffer, and a large block is skipped by moving the position, so a big
 * .blend costs a few reads per megabyte of small blocks and nothing for its large ones.
 */
export class FileByteReader implements ByteReader {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE)
  private bufferStart = 0
  private bufferLength = 0

  constructor (
    private readonly handle: FileHandle,
    private readonly size: number,
    private position = 0
  ) {}

  async read (n: number): Promise<Uint8Array> {
    const end = Math.min(this.position + n, this.size)
    const wanted = end - this.position
    if (this.position >= this.bufferStart && end <= this.bufferStart + this.bufferLength) {
      const view = this.buffer.subarray(this.position - this.bufferStart, end - this.bufferStart)
      this.position = end
      return view
    }
    if (wanted > BUFFER_SIZE) {
      const out = Buffer.allocUnsafe(wanted)
      const got = await this.readAt(out, wanted, this.position)
      this.position += got
      return out.subarray(0, got)
    }
    this.bufferStart = this.position
    this.bufferLength = await this.readAt(this.buffer, Math.min(BUFFER_SIZE, this.size - this.position), this.position)
    const got = Math.min(wanted, this.bufferLength)
    this.position += got
    return this.buffer.subarray(0, got)
  }

  async skip (n: number): Promise<number> {
    const skipped = Math.max(0, Math.min(n, this.size - this.position))
    this.position += skipped
    return skipped
  }

  async close (): Promise<void> {}

  /** Fills target[0, length) from the file; stops early only if the file got shorter. */
  private async readAt (target: Buffer, length: number, position: number): Promise<number> {
    let done = 0
    while (done < length) {
      const { bytesRead } = await this.handle.read(target, done, length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return done
  }
}

/** Reads from chunks produced one after another, e.g. by a decompressor. */
export class ChunkByteReader implements ByteReader {
  private readonly chunks: Uint8Array[] = []
  /** How far into chunks[0] the data has been consumed. */
  private head = 0
  private available = 0
  private ended = false
  private readonly iterator: AsyncIterator<Uint8Array>

  constructor (source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  async read (n: number): Promise<Uint8Array> {
    await this.fill(n)
    const take = Math.min(n, this.available)
    const first = this.chunks[0]
    if (first && first.length - this.head >= take) {
      const view = first.subarray(this.head, this.head + take)
      this.consume(take)
      return view
    }
    const out = new Uint8Array(take)
    let filled = 0
    while (filled < take) {
      const chunk = this.chunks[0]!
      const part = Math.min(take - filled, chunk.length - this.head)
      out.set(chunk.subarray(this.head, this.head + part), filled)
      filled += part
      this.consume(part)
    }
    return out
  }

  async skip (n: number): Promise<number> {
    let left = n
    while (left > 0) {
      if (this.available === 0) {
        await this.fill(1)
        if (this.available === 0) break
      }
      const part = Math.min(left, this.available)
      this.consume(part)
      left -= part
    }
    return n - left
  }

  async close (): Promise<void> {
    this.chunks.length = 0
    this.available = 0
    if (!this.ended) {
      this.ended = true
      await this.iterator.return?.()
    }
  }

  private async fill (n: number): Promise<void> {
    while (this.available < n && !this.ended) {
      const next = await this.iterator.next()
      if (next.done) this.ended = true
      else if (next.value.length > 0) {
        this.chunks.push(next.value)
        this.available += next.value.length
      }
    }
  }

  private consume (n: number): void {
    this.available -= n
    while (n > 0) {
      const rest = this.chunks[0]!.length - this.head
      if (n < rest) {
        this.head += n
        return
      }
      n -= rest
      this.chunks.shift()
      this.head = 0
    }
  }
}
