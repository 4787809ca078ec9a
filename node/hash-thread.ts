// SHA-256 of the files a node fetches, computed on a thread of its own: the main thread then only
// receives and writes while the hash follows on another core (500 MB over loopback on the 2-core
// test machine, test/bench/closure-transfer.bench.ts: 1.13–1.85 s with the hash on the main thread,
// 1.06 s with it here). One thread serves every fetch of the node; it holds the process open only
// while a hash is running.
// The thread's code is a string (not a file of its own) so it works the same from the sources and
// from the bundled node.
import { Worker } from 'node:worker_threads'

const SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const hashes = new Map()
parentPort.on('message', ({ id, pieces, end }) => {
  let hash = hashes.get(id)
  if (!hash) hashes.set(id, (hash = createHash('sha256')))
  if (pieces) for (const piece of pieces) hash.update(piece)
  if (end === 'digest') parentPort.postMessage({ id, hex: hash.digest('hex') })
  else if (!end) parentPort.postMessage({ id })
  if (end) hashes.delete(id)
})`

/** Calls of update() a hash may have on their way to the thread before it waits: the memory it may hold. */
const AHEAD = 4

interface Running { sent: number, hashed: number, wake: Array<() => void>, digest?: (hex: string) => void, fail: (err: Error) => void }

export class HashThread {
  private worker: Worker | null = null
  private next = 0
  private readonly running = new Map<number, Running>()

  private thread (): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(SOURCE, { eval: true })
    worker.unref()
    worker.on('message', ({ id, hex }: { id: number, hex?: string }) => {
      const r = this.running.get(id)
      if (!r) return
      if (hex !== undefined) { this.finish(id); r.digest?.(hex); return }
      r.hashed++
      r.wake.shift()?.()
    })
    // The thread died (out of memory, say): every running hash fails, the next one starts a new thread.
    const died = (err: Error) => {
      if (this.worker !== worker) return
      this.worker = null
      for (const [id, r] of this.running) { this.finish(id); r.fail(err) }
    }
    worker.on('error', died)
    worker.on('exit', () => died(new Error('the hashing thread stopped')))
    return (this.worker = worker)
  }

  private finish (id: number): void {
    this.running.delete(id)
    if (this.running.size === 0) this.worker?.unref()
  }

  /** A new hash. Its pieces go in order; a piece whose memory is its own is moved, not copied (it is empty after). */
  start (): RunningHash {
    const worker = this.thread()
    const id = this.next++
    let failed: Error | null = null
    const r: Running = { sent: 0, hashed: 0, wake: [], fail: (err) => { failed = err; for (const w of r.wake.splice(0)) w() } }
    this.running.set(id, r)
    worker.ref()
    return {
      update: async (pieces: Buffer[]) => {
        if (failed) throw failed
        // A piece whose memory is its own is moved; a slice of a larger buffer is copied.
        const moved = new Set(pieces.filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer as ArrayBuffer))
        worker.postMessage({ id, pieces }, [...moved])
        r.sent++
        while (r.sent - r.hashed > AHEAD) {
          if (failed) throw failed
          await new Promise<void>((resolve) => r.wake.push(resolve))
        }
        if (failed) throw failed
      },
      digest: () => new Promise<string>((resolve, reject) => {
        if (failed) { reject(failed); return }
        r.digest = resolve
        r.fail = (err) => reject(err)
        worker.postMessage({ id, end: 'digest' })
      }),
      drop: () => {
        if (!this.running.has(id)) return
        this.finish(id)
        worker.postMessage({ id, end: 'drop' })
      },
    }
  }
}

export interface RunningHash {
  /** Adds the next pieces; waits while the thread is more than a few calls behind. */
  update (pieces: Buffer[]): Promise<void>
  /** The hash of all pieces, as hex. */
  digest (): Promise<string>
  /** Forgets the hash (a transfer given up). */
  drop (): void
}
