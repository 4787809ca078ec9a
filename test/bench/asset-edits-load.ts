// The crowd of asset-edits.bench.ts, in a process of its own so its work never delays the editor's
// clock: STREAMS open pages (each an SSE stream on /api/projects/demo/events, read and counted) and
// READERS clients reading the asset list as browsers ask for it (gzip), back to back. Prints 'ready'
// once every stream is open and the readers run; on 'stop' (stdin) prints one JSON line:
// { reads: { count, p50, p99, errors }, streams: { open, events } }.
//   node --import tsx test/bench/asset-edits-load.ts <server url> <cookie> <streams> <readers>
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'

const [url, cookie, streamsArg, readersArg] = process.argv.slice(2)
const streams = Number(streamsArg ?? 300)
const readers = Number(readersArg ?? 16)

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

let stop = () => {}
const done = readers === 0 ? undefined : new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon({
    url: `${url}/api/projects/demo/assets`, connections: readers, duration: 3600,
    headers: { cookie: cookie!, 'accept-encoding': 'gzip' },
  }, (err, result) => (err ? reject(err) : resolve(result)))
  stop = () => instance.stop()
})
process.stdout.write('ready\n')

for await (const line of createInterface({ input: process.stdin })) if (line === 'stop') break
stop()
const r = await done
const ok = (r?.statusCodeStats as Record<string, { count: number }> | undefined)?.['200']?.count ?? 0
const reads = r ? { count: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.requests.total - ok } : { count: 0, p50: NaN, p99: NaN, errors: 0 }
const result = { reads, streams: { open, events } }
for (const s of sockets) s.destroy()
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
