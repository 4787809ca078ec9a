// The crowd of asset-edits.bench.ts, in a process of its own so its work never delays the editor's
// clock: STREAMS open pages (each an SSE stream on /api/projects/demo/events, read and counted) and
// READERS clients reading the asset list back to back. Readers of kind 'browser' read it as a page
// does (fetch, gzip, the body decompressed and parsed); 'flood' readers are autocannon's, which
// drop the body unread and so ask several times as often. Prints 'ready' once every stream is open
// and the readers run; on 'stop' (stdin) prints one JSON line:
// { reads: { count, p50, p99, errors }, streams: { open, events } }.
//   node --import tsx test/bench/asset-edits-load.ts <server url> <cookie> <streams> <readers> [browser|flood]
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'

const [url, cookie, streamsArg, readersArg, kind = 'browser'] = process.argv.slice(2)
const streams = Number(streamsArg ?? 300)
const readers = Number(readersArg ?? 16)
interface Reads { count: number, p50: number, p99: number, errors: number }

// As in assets.bench.ts: autocannon would decode every body into a string it never uses.
const requestQueue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as { prototype: { addBody?: unknown } }
if (typeof requestQueue.prototype.addBody !== 'function') throw new Error('autocannon changed: its addBody is gone; look at this load generator again')
requestQueue.prototype.addBody = function () {}

let open = 0
let events = 0
const sockets: Array<{ destroy: () => void }> = []

function openStream (): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/projects/demo/events`, { headers: { cookie: cookie! }, agent: false }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`events: ${res.statusCode}`)); return }
      open++
      sockets.push(res.socket)
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        for (let i = chunk.indexOf('event: change'); i >= 0; i = chunk.indexOf('event: change', i + 1)) events++
      })
      res.on('close', () => { open-- })
      resolve()
    })
    req.on('error', reject)
    req.end()
  })
}

// A few at a time: 300 log-in checks at once are a burst no real class makes.
for (let i = 0; i < streams; i += 20) await Promise.all(Array.from({ length: Math.min(20, streams - i) }, openStream))

function percentile (xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] ?? NaN
}

let running = true
/** Reads until stopped; resolves with what the readers saw. */
function browserReaders (): Promise<Reads> {
  const ms: number[] = []
  let errors = 0
  const reader = async () => {
    while (running) {
      const t0 = performance.now()
      try {
        const res = await fetch(`${url}/api/projects/demo/assets`, { headers: { cookie: cookie!, 'accept-encoding': 'gzip' } })
        await res.json()
        if (res.status !== 200) errors++
      } catch {
        errors++
      }
      ms.push(performance.now() - t0)
    }
  }
  return Promise.all(Array.from({ length: readers }, reader)).then(() => ({ count: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), errors }))
}

function floodReaders (): { done: Promise<Reads>, stop: () => void } {
  let instance: autocannon.Instance | undefined
  const done = new Promise<Reads>((resolve, reject) => {
    instance = autocannon({
      url: `${url}/api/projects/demo/assets`,
      connections: readers,
      duration: 3600,
      headers: { cookie: cookie!, 'accept-encoding': 'gzip' },
    }, (err, r) => {
      if (err) { reject(err); return }
      const ok = (r.statusCodeStats as Record<string, { count: number }> | undefined)?.['200']?.count ?? 0
      resolve({ count: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.requests.total - ok })
    })
  })
  return { done, stop: () => instance?.stop() }
}

const none: Reads = { count: 0, p50: NaN, p99: NaN, errors: 0 }
const flood = readers > 0 && kind === 'flood' ? floodReaders() : undefined
const browsers = readers > 0 && kind !== 'flood' ? browserReaders() : undefined
process.stdout.write('ready\n')

for await (const line of createInterface({ input: process.stdin })) if (line === 'stop') break
running = false
flood?.stop()
const result = { reads: (await (flood?.done ?? browsers)) ?? none, streams: { open, events } }
for (const s of sockets) s.destroy()
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
