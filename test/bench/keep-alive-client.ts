// A minimal HTTP/1.1 client for load generators: one keep-alive connection, one request at a time,
// JSON in and out. A simulated render node needs nothing more, and Node's http client cost about
// as much CPU per request as the server's whole handling of it, on the same two cores: the
// benchmark measured its own client. Requests go out as one write; responses must carry a
// Content-Length (Fastify's JSON replies do).
import { connect, type Socket } from 'node:net'

export class HttpError extends Error {
  constructor (readonly status: number, readonly body: string, path: string) {
    super(`${path}: ${status} ${body}`)
  }
}

interface Pending { path: string, resolve: (value: unknown) => void, reject: (err: Error) => void }

const HEADER_END = Buffer.from('\r\n\r\n')

export class KeepAliveClient {
  private socket: Socket | null = null
  private pending: Pending | null = null
  private buffer: Buffer = Buffer.alloc(0)
  private readonly prefix: string

  constructor (private readonly host: string, private readonly port: number, headers: Record<string, string>) {
    this.prefix = `Host: ${host}:${port}\r\nContent-Type: application/json\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
  }

  /** POSTs a JSON body; resolves with the parsed JSON reply (undefined when empty), rejects on a status ≥ 300. */
  post<T> (path: string, body: unknown): Promise<T> {
    if (this.pending) return Promise.reject(new Error(`${path}: this connection is busy with ${this.pending.path}`))
    const data = JSON.stringify(body)
    const socket = this.socket ?? this.open()
    return new Promise<T>((resolve, reject) => {
      this.pending = { path, resolve: resolve as (value: unknown) => void, reject }
      socket.write(`POST ${path} HTTP/1.1\r\n${this.prefix}Content-Length: ${Buffer.byteLength(data)}\r\n\r\n${data}`)
    })
  }

  close (): void {
    this.socket?.destroy()
    this.socket = null
  }

  private open (): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true })
    this.socket = socket
    this.buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    const gone = (err?: Error) => {
      if (this.socket === socket) this.socket = null
      this.fail(err ?? new Error('the server closed the connection'))
    }
    socket.on('error', gone)
    socket.on('close', () => gone())
    return socket
  }

  private fail (err: Error): void {
    const p = this.pending
    this.pending = null
    p?.reject(new Error(`${p.path}: ${err.message}`))
  }

  private onData (chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    const end = this.buffer.indexOf(HEADER_END)
    if (end < 0) return
    const head = this.buffer.toString('latin1', 0, end)
    const status = Number(head.slice(9, 12))
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)
    if (!length && status !== 204 && status !== 304) {
      this.socket?.destroy()
      this.fail(new Error(`reply without Content-Length (${head.split('\r\n')[0]})`))
      return
    }
    const bodyStart = end + HEADER_END.length
    const bodyEnd = bodyStart + (length ? Number(length[1]) : 0)
    if (this.buffer.length < bodyEnd) return
    const text = this.buffer.toString('utf8', bodyStart, bodyEnd)
    this.buffer = this.buffer.subarray(bodyEnd)
    if (/\r\nconnection: *close/i.test(head)) {
      this.socket?.destroy()
      this.socket = null
    }
    const p = this.pending
    this.pending = null
    if (!p) return
    if (status >= 300) p.reject(new HttpError(status, text, p.path))
    else p.resolve(text ? JSON.parse(text) : undefined)
  }
}
