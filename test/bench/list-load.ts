// Load on one URL of a server process, as the asset benchmarks measure it: autocannon for a few
// seconds, with the server's CPU time per request (which depends on what else the machine does far
// less than wall times) and the load average beside every figure.
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import autocannon from 'autocannon'
import { cpuSeconds } from '../helpers/server-process.ts'

export const DURATION = Number(process.env.BENCH_SECONDS ?? 8)

// autocannon decodes every response body into a string and appends it to the chunks before (for its
// verifyBody/onResponse options, unused here). For the 10,000-asset list that is a UTF-8 decode of
// 170 kB of gzip per response: the load generator, on the same 2 cores as the server, then spent
// several times the server's CPU, and the latencies measured mostly itself. A browser keeps no such
// string, so the body is dropped; bytes and latencies are still counted as before, to the last byte.
const requestQueue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as { prototype: { addBody?: unknown } }
if (typeof requestQueue.prototype.addBody !== 'function') throw new Error('autocannon changed: its addBody is gone; look at this benchmark\'s load generator again')
requestQueue.prototype.addBody = function () {}

export const load1 = () => loadavg()[0]!.toFixed(1)

export interface LoadFigures { rps: number, p50: number, p99: number, errors: number, serverMsPerRequest: number, load: string }

/** `expect`: the status every reply should have (anything else counts as an error). */
export async function load (url: string, cookie: string, serverPid: number, connections = 16, extraHeaders: Record<string, string> = {}, expect = 200): Promise<LoadFigures> {
  const cpu0 = cpuSeconds(serverPid)
  const r = await autocannon({ url, connections, duration: DURATION, headers: { cookie, ...extraHeaders } })
  const serverMsPerRequest = (cpuSeconds(serverPid) - cpu0) * 1000 / Math.max(1, r.requests.total)
  const expected = (r.statusCodeStats as Record<string, { count: number }> | undefined)?.[String(expect)]?.count ?? 0
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.requests.total - expected, serverMsPerRequest, load: load1() }
}

export const figures = (l: LoadFigures) =>
  `${l.rps.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, errors ${l.errors}; server CPU ${l.serverMsPerRequest.toFixed(2)} ms/request; load average ${l.load}`
