// Benchmark of the asset list and to-do API, start-up time and memory, for 250 and 10,000 assets,
// and how fast an edit made on disk reaches the API. Prints its figures; asserts nothing.
//   npm run bench:assets            (both sizes)     npm run bench:assets -- 250   (one size)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { fakeFilm } from '../../scripts/fake-film.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { cpuSeconds, rssMb, startServerProcess } from './server-process.ts'
import { loadavg } from 'node:os'

const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const DURATION = Number(process.env.BENCH_SECONDS ?? 8)

async function load (url: string, cookie: string, connections = 16, extraHeaders: Record<string, string> = {}) {
  const r = await autocannon({ url, connections, duration: DURATION, headers: { cookie, ...extraHeaders } })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, mbps: r.throughput.average / 1e6 }
}

async function login (url: string, user: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project: 'demo', user }) })
  const token = res.headers.get('x-rfam-token')
  if (!token) throw new Error(`login failed: ${res.status}`)
  return `rfam_session=${token}`
}

async function bench (count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-'))
  try {
    const config = loadConfig(writeTestConfig(dir, { logLevel: 'warn', port: 0 }))
    await seedDemoIfEmpty(config)
    const fake = count - 10 // the demo brings 10
    let t = performance.now()
    await fakeFilm(config, 'demo', fake, { owner: undefined })
    // A user who owns 250 assets, for the to-do figure.
    const root = config.shares.resolve('data::demo')
    const { execSync } = await import('node:child_process')
    const sidecars = execSync(`find ${root} -name '*.json' -not -name project.json`, { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n')
    for (const file of sidecars.slice(0, 250)) {
      const meta = JSON.parse(readFileSync(file, 'utf8'))
      meta.owner = 'leo'
      writeFileSync(file, JSON.stringify(meta))
    }
    console.log(`\n== ${count} assets (fake film written in ${(performance.now() - t).toFixed(0)} ms) ==`)

    t = performance.now()
    const server = await startServerProcess(config.file)
    const cookie = await login(server.url, 'leo')
    const first = await fetch(`${server.url}/api/projects/demo/assets`, { headers: { cookie } })
    const list = await first.json() as { assets: unknown[] }
    const readyMs = performance.now() - t
    console.log(`start-up: process start to listening ${server.startedMs.toFixed(0)} ms; to first full asset list (${list.assets.length} assets) ${readyMs.toFixed(0)} ms; CPU used by then ${cpuSeconds(server.child.pid!).toFixed(2)} s; RSS ${rssMb(server.child.pid!).toFixed(0)} MB; machine load average ${loadavg()[0]!.toFixed(1)}`)
    const body = JSON.stringify(list).length

    const gzip = { 'accept-encoding': 'gzip' }
    const gzBytes = Number((await fetch(`${server.url}/api/projects/demo/assets`, { headers: { cookie, ...gzip } })).headers.get('content-length'))
    const assets = await load(`${server.url}/api/projects/demo/assets`, cookie)
    console.log(`asset list, plain JSON (${(body / 1024).toFixed(0)} kB): ${assets.rps.toFixed(0)} req/s, p50 ${assets.p50} ms, p99 ${assets.p99} ms, errors ${assets.errors}`)
    const zipped = await load(`${server.url}/api/projects/demo/assets`, cookie, 16, gzip)
    console.log(`asset list, gzip as browsers ask (${(gzBytes / 1024).toFixed(0)} kB): ${zipped.rps.toFixed(0)} req/s, p50 ${zipped.p50} ms, p99 ${zipped.p99} ms, errors ${zipped.errors}`)
    const single = await load(`${server.url}/api/projects/demo/assets`, cookie, 1, gzip)
    console.log(`asset list, gzip, one client at a time: ${single.rps.toFixed(0)} req/s, p50 ${single.p50} ms, p99 ${single.p99} ms`)
    const etag = first.headers.get('etag')!
    const cached = await load(`${server.url}/api/projects/demo/assets`, cookie, 16, { 'if-none-match': etag })
    console.log(`asset list, unchanged (304): ${cached.rps.toFixed(0)} req/s, p99 ${cached.p99} ms`)
    const todo = await load(`${server.url}/api/projects/demo/todo`, cookie, 16, gzip)
    console.log(`to-do of a user owning 250 assets (gzip): ${todo.rps.toFixed(0)} req/s, p50 ${todo.p50} ms, p99 ${todo.p99} ms, errors ${todo.errors}`)
    console.log(`RSS after load: ${rssMb(server.child.pid!).toFixed(0)} MB`)

    // An edit made on disk by another tool, until the API shows it.
    const target = sidecars[0]!
    const rel = target.slice(root.length + 1, -'.json'.length)
    const lags: number[] = []
    for (let i = 0; i < 5; i++) {
      const meta = JSON.parse(readFileSync(target, 'utf8'))
      meta.name = `edited on disk ${i}`
      const t0 = performance.now()
      writeFileSync(target, JSON.stringify(meta))
      for (;;) {
        const got = await (await fetch(`${server.url}/api/projects/demo/assets/${rel}`, { headers: { cookie } })).json() as { meta?: { name: string } }
        if (got.meta?.name === meta.name) break
        if (performance.now() - t0 > 10_000) throw new Error('edit never appeared')
        await new Promise((r) => setTimeout(r, 5))
      }
      lags.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 200))
    }
    console.log(`edit on disk visible in the API after: ${lags.map((l) => l.toFixed(0)).join(', ')} ms (max ${Math.max(...lags).toFixed(0)} ms)`)
    await server.stop()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const n of sizes.length ? sizes : [250, 10_000]) await bench(n)
