// Benchmark of a PIN-guessing flood: 32 connections send wrong PINs for the staff user "teacher" as
// fast as the server answers, while one connection keeps reading the asset list (and one asset) as a
// student would. Prints the guess rate the attacker gets and the student's latencies, quiet and under
// the flood. Asserts nothing.
//   npm run bench:login                       (the server as configured by default)
//   BENCH_THROTTLE=off npm run bench:login    (log-in throttling turned off: only the bounded queue
//                                              of password checks protects the other requests)
// The server runs as `npm start` runs it (dist/server.mjs, rebuilt first) in its own process; the load
// generator shares the machine's cores with it, so the load average is printed with each figure.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const FLOOD_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const throttleOff = process.env.BENCH_THROTTLE === 'off'

const load1 = () => loadavg()[0]!.toFixed(1)

type Result = autocannon.Result

function latency (r: Result): string {
  return `${r.requests.total} requests, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, errors ${r.errors + r.non2xx}`
}

function statuses (r: Result): string {
  const stats = (r.statusCodeStats ?? {}) as Record<string, { count: number }>
  return Object.entries(stats).map(([code, { count }]) => `${code}: ${count}`).join(', ')
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-login-'))
  try {
    const config = loadConfig(writeTestConfig(dir, {
      logLevel: 'warn',
      ...(throttleOff ? { loginThrottle: { freeTries: 1_000_000, freeTriesPerAddress: 1_000_000 } } : {}),
    }))
    await seedDemoIfEmpty(config)
    const server = await startServerProcess(config.file, { stderr: 'inherit' })
    try {
      const { cookie } = await logIn(server, 'mia')
      // A student clicking about: 20 requests a second on one connection, so latency (not the load
      // generator's own speed) is what is measured. The asset list comes from memory; the file list
      // walks the project folder and the page's script is read from disk, both in libuv's thread pool,
      // which Node's scrypt shares.
      const probes = ['/api/projects/demo/assets', '/api/projects/demo/files?ext=blend', '/main.js']
      const probe = (path: string) => autocannon({ url: `${server.url}${path}`, connections: 1, overallRate: 20, duration: SECONDS, headers: { cookie } })
      const flood = () => autocannon({
        url: `${server.url}/api/session`,
        method: 'POST',
        connections: FLOOD_CONNECTIONS,
        duration: SECONDS,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ project: 'demo', user: 'teacher', secret: '0000' }),
      })

      console.log(`\n== log-in flood: ${FLOOD_CONNECTIONS} connections of wrong PINs for "teacher", ${SECONDS} s${throttleOff ? ', throttling off' : ''} ==`)
      const quiet = await Promise.all(probes.map(probe))
      probes.forEach((path, i) => console.log(`quiet   GET ${path}: ${latency(quiet[i]!)}`))
      console.log(`  load average ${load1()}`)
      const [attack, ...busy] = await Promise.all([flood(), ...probes.map(probe)])
      probes.forEach((path, i) => console.log(`flooded GET ${path}: ${latency(busy[i]!)}`))
      const checked = ((attack.statusCodeStats ?? {}) as Record<string, { count: number }>)['401']?.count ?? 0
      console.log(`  attacker: ${attack.requests.total} log-ins answered (${statuses(attack)}), p50 ${attack.latency.p50} ms, p99 ${attack.latency.p99} ms; ` +
        `wrong PINs actually checked: ${checked}, ${(checked / SECONDS).toFixed(1)}/s; load average ${load1()}`)
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
