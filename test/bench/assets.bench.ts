// Benchmark of the asset list and to-do API, start-up time and memory, for 250 and 10,000 assets,
// and how fast an edit made on disk reaches the API. Prints its figures; asserts nothing.
//   npm run bench:assets            (both sizes)     npm run bench:assets -- 250   (one size)
// The server runs as `npm start` runs it (dist/server.mjs, rebuilt first) in its own process. On a
// 2-core machine shared with other work, wall times and latencies depend on that work: each figure
// comes with the load average, and the server's CPU time (which depends on it far less) is printed too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { fakeFilm } from '../../scripts/fake-film.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { cpuSeconds, rssMb, startServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { figures, load, load1 } from './list-load.ts'

const sizes = process.argv.slice(2).map(Number).filter(Boolean)

async function bench (count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-'))
  try {
    const config = loadConfig(writeTestConfig(dir, { logLevel: 'warn', port: 0 }))
    await seedDemoIfEmpty(config)
    const fake = count - 10 // the demo brings 10
    const t = performance.now()
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

    const server = await startServerProcess(config.file, { stderr: 'inherit' })
    const pid = server.child.pid!
    const listeningCpu = cpuSeconds(pid)
    const cookie = (await logIn(server.url, 'leo')).cookie
    // As a browser asks for it (fetch sends accept-encoding: gzip), read to the last byte and parsed.
    const first = await fetch(`${server.url}/api/projects/demo/assets`, { headers: { cookie } })
    const list = await first.json() as { assets: unknown[] }
    const readyMs = performance.now() - server.spawnedAt
    const readyCpu = cpuSeconds(pid)
    console.log(`start-up (process start to first full asset list of ${list.assets.length} assets, log-in included): wall ${readyMs.toFixed(0)} ms, server CPU ${readyCpu.toFixed(2)} s; ` +
      `of which to listening: wall ${server.startedMs.toFixed(0)} ms, CPU ${listeningCpu.toFixed(2)} s; RSS ${rssMb(pid).toFixed(0)} MB; load average ${load1()}`)
    const body = JSON.stringify(list).length

    const gzip = { 'accept-encoding': 'gzip' }
    const gzBytes = Number((await fetch(`${server.url}/api/projects/demo/assets`, { headers: { cookie, ...gzip } })).headers.get('content-length'))
    const listUrl = `${server.url}/api/projects/demo/assets`
    const zipped = await load(listUrl, cookie, pid, 16, gzip)
    console.log(`asset list, gzip as browsers ask (${(gzBytes / 1024).toFixed(0)} kB), 16 clients: ${figures(zipped)}`)
    const single = await load(listUrl, cookie, pid, 1, gzip)
    console.log(`asset list, gzip, one client: ${figures(single)}`)
    const plain = await load(listUrl, cookie, pid)
    console.log(`asset list, plain JSON (${(body / 1024).toFixed(0)} kB), 16 clients: ${figures(plain)}`)
    const etag = first.headers.get('etag')!
    const cached = await load(listUrl, cookie, pid, 16, { 'if-none-match': etag }, 304)
    console.log(`asset list, unchanged (304), 16 clients: ${figures(cached)}`)
    const todo = await load(`${server.url}/api/projects/demo/todo`, cookie, pid, 16, gzip)
    console.log(`to-do of a user owning 250 assets (gzip), 16 clients: ${figures(todo)}`)
    console.log(`RSS after load: ${rssMb(pid).toFixed(0)} MB`)

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
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      lags.push(performance.now() - t0)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    console.log(`edit on disk visible in the API after: ${lags.map((l) => l.toFixed(0)).join(', ')} ms (max ${Math.max(...lags).toFixed(0)} ms)`)
    await server.stop()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const n of sizes.length ? sizes : [250, 10_000]) await bench(n)
