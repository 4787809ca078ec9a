// Benchmark of asset edits. Prints its figures; asserts nothing.
//  1. A PATCH of one asset (its priority, which moves it in the list and changes what it boosts) at
//     250 and 10,000 assets, one client, one edit at a time; then the first read of the list after
//     an edit, which pays for whatever the edit left to do.
//  2. Edits while 300 pages are open (live updates over SSE) and 16 clients read the list back to
//     back, at 250 assets: as pages read it (fetch, gzip, decompressed and parsed), then as autocannon
//     floods it. The crowd runs in its own process (asset-edits-load.ts).
//   npm run bench:edits                    npm run bench:edits -- 10000   (part 1 at one size only)
//   BENCH_SECONDS=15 (part 2's length)     BENCH_PART=1 or 2 (one part only)
//   BENCH_STREAMS=300 BENCH_READERS=16 (part 2's crowd: either may be 0, to see what each costs)
//   BENCH_READERS_KIND=browser or flood (part 2's readers: one kind only)
//   BENCH_NICE=10 (the crowd at a lower CPU priority: real pages run on other machines, while here
//   the crowd takes CPU the server would have; the figures then show what the server does with it)
//   BENCH_SERVER_PROFILE=<folder> (a CPU profile of the server), BENCH_SERVER_BUNDLE=dist/<file>.mjs
//   (another version's bundle, to compare two versions in turns at the same load; server-process.ts)
// The server runs as `npm start` runs it, in its own process. On a 2-core machine shared with other
// work every figure depends on that work: each comes with the load average and the server's CPU time,
// and part 2's with the CPU the crowd and all other processes took meanwhile.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { fakeFilm } from '../../scripts/fake-film.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { cpuSeconds, machineBusySeconds, startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'

const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const PART = process.env.BENCH_PART
const NICE = process.env.BENCH_NICE
const EDITS = 200
const load1 = () => loadavg()[0]!.toFixed(1)

function percentile (xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] ?? NaN
}
const figures = (ms: number[]) => `p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (${ms.length} edits)`

/** A small deterministic random source, so runs before and after a change edit the same assets. */
function random (seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

interface Project { dir: string, server: ServerProcess, cookie: string, paths: string[] }

async function startProject (count: number): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-'))
  const config = loadConfig(writeTestConfig(dir, { logLevel: 'warn', port: 0 }))
  await seedDemoIfEmpty(config)
  await fakeFilm(config, 'demo', count - 10) // the demo brings 10
  const server = await startServerProcess(config.file, { stderr: 'inherit' })
  const { cookie } = await logIn(server, 'leo')
  const list = await (await fetch(`${server.url}/api/projects/demo/assets`, { headers: { cookie } })).json() as { assets: Array<{ path: string, meta?: unknown }> }
  return { dir, server, cookie, paths: list.assets.filter((a) => a.meta).map((a) => a.path) }
}

async function stopProject (p: Project): Promise<void> {
  await p.server.stop()
  rmSync(p.dir, { recursive: true, force: true })
}

/** PATCHes a random asset's priority; resolves with the milliseconds it took. */
async function edit (p: Project, rnd: () => number): Promise<number> {
  const path = p.paths[Math.floor(rnd() * p.paths.length)]!
  const t0 = performance.now()
  const res = await fetch(`${p.server.url}/api/projects/demo/assets/${path}`, {
    method: 'PATCH', headers: { cookie: p.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ priority: 1 + Math.floor(rnd() * 99) }),
  })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`PATCH ${path}: ${res.status}`)
  return performance.now() - t0
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function editsAlone (count: number): Promise<void> {
  const p = await startProject(count)
  try {
    const pid = p.server.child.pid!
    const rnd = random(7)
    for (let i = 0; i < 10; i++) { await edit(p, rnd); await pause(10) } // warm-up
    const ms: number[] = []
    const cpu0 = cpuSeconds(pid)
    for (let i = 0; i < EDITS; i++) { ms.push(await edit(p, rnd)); await pause(10) }
    const cpu = (cpuSeconds(pid) - cpu0) * 1000 / EDITS
    console.log(`${count} assets, PATCH of one asset's priority, one client: ${figures(ms)}; server CPU ${cpu.toFixed(1)} ms/edit (pauses included); load average ${load1()}`)
    // The list as browsers ask for it, right after an edit: what the edit left to do is paid here.
    const reads: number[] = []
    for (let i = 0; i < 20; i++) {
      await edit(p, rnd)
      const t0 = performance.now()
      const res = await fetch(`${p.server.url}/api/projects/demo/assets`, { headers: { cookie: p.cookie, 'accept-encoding': 'gzip' } })
      await res.arrayBuffer()
      reads.push(performance.now() - t0)
      await pause(10)
    }
    console.log(`${count} assets, first list read (gzip) after an edit: p50 ${percentile(reads, 50).toFixed(1)} ms, max ${Math.max(...reads).toFixed(1)} ms (${reads.length} reads); load average ${load1()}`)
  } finally {
    await stopProject(p)
  }
}

async function editsUnderLoad (count: number, streams: number, readers: number, kind: string): Promise<void> {
  const p = await startProject(count)
  try {
    const command = [process.execPath, '--import', 'tsx', join(import.meta.dirname, 'asset-edits-load.ts'), p.server.url, p.cookie, String(streams), String(readers), kind]
    if (NICE) command.unshift('nice', '-n', NICE)
    const crowd = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = createInterface({ input: crowd.stdout! })[Symbol.asyncIterator]()
    const first = await lines.next()
    if (first.value !== 'ready') throw new Error(`the crowd did not start: ${first.value}`)
    await pause(1000) // let the readers reach their pace
    const pid = p.server.child.pid!
    const rnd = random(11)
    const ms: number[] = []
    const cpu0 = cpuSeconds(pid)
    const crowd0 = cpuSeconds(crowd.pid!)
    const machine0 = machineBusySeconds()
    const own0 = process.cpuUsage()
    const t0 = performance.now()
    while (performance.now() - t0 < SECONDS * 1000) { ms.push(await edit(p, rnd)); await pause(25) }
    const seconds = (performance.now() - t0) / 1000
    const cpu = (cpuSeconds(pid) - cpu0) / seconds
    const crowdCpu = (cpuSeconds(crowd.pid!) - crowd0) / seconds
    // What the rest of the machine took meanwhile (another agent's tests, say): runs compare only at like figures.
    const ownCpu = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(own0)) / seconds
    const others = (machineBusySeconds() - machine0) / seconds - cpu - crowdCpu - ownCpu
    crowd.stdin!.write('stop\n')
    // No readers: their percentiles are NaN, which JSON carries as null.
    const result = JSON.parse((await lines.next()).value as string) as { reads: { count: number, p50: number | null, p99: number | null, errors: number }, streams: { open: number, events: number } }
    const ms1 = (x: number | null) => (x === null ? '–' : x.toFixed(1))
    console.log(`${count} assets, ${streams} live pages + ${readers} list readers (${kind}${NICE ? `, crowd at nice ${NICE}` : ''}): edits ${figures(ms)}; ` +
      `reads p50 ${ms1(result.reads.p50)} ms, p99 ${ms1(result.reads.p99)} ms (${result.reads.count} reads, ${result.reads.errors} errors); ` +
      `${result.streams.open} streams open at the end, ${result.streams.events} change events received; server busy ${(cpu * 100).toFixed(0)} % of a core, ` +
      `the crowd ${(crowdCpu * 100).toFixed(0)} %, other processes ${(others * 100).toFixed(0)} % (of ${cpus().length * 100} %); load average ${load1()}`)
  } finally {
    await stopProject(p)
  }
}

if (PART !== '2') for (const n of sizes.length ? sizes : [250, 10_000]) await editsAlone(n)
if (PART !== '1') {
  for (const kind of process.env.BENCH_READERS_KIND ? [process.env.BENCH_READERS_KIND] : ['browser', 'flood']) {
    await editsUnderLoad(250, Number(process.env.BENCH_STREAMS ?? 300), Number(process.env.BENCH_READERS ?? 16), kind)
  }
}
