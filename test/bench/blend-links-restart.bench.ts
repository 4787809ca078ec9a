// How long the server spends reading what each .blend links in the background after a start, with
// N distinct .blend files (copies, not the hard links `npm run fake-film` makes: a hard link shares
// its identity with the file it links, and is read once for all). Prints its figures; asserts nothing.
//   npm run bench:links-restart                 (2,000 files)
//   npm run bench:links-restart -- 10000        (10,000 files: ~1 GB of copies in the temp folder)
// Each start is a process of its own (as a restarted server is), running the store part of the
// server (Workspace) on the same folder: the first start, a restart, and a restart after 1% of the
// files changed. On a 2-core machine shared with other work wall times vary with that work; the CPU
// time of the process varies far less.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, renameSync, rmSync, utimesSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { Workspace } from '../../server/store/workspace.ts'
import { fakeFilm } from '../../scripts/fake-film.ts'
import { writeTestConfig } from '../helpers/server.ts'

interface StartFigures {
  /** Workspace start: config, index walk (links not read yet). */
  startMs: number
  startCpuMs: number
  /** From releasing the background work until every store has read its links. */
  linksMs: number
  linksCpuMs: number
  /** Files actually read (null when this version of the server does not count them). */
  reads: number | null
  closeMs: number
  /** .blend files in the project. */
  blendFiles: number
}

/** One start of the store in this process: what a restarted server does before and after it listens. */
async function oneStart (configFile: string): Promise<StartFigures> {
  const config = loadConfig(configFile)
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
  const t0 = performance.now()
  const c0 = cpu()
  const ws = new Workspace(config, false)
  await ws.start()
  const t1 = performance.now()
  const c1 = cpu()
  ws.startBackgroundWork()
  while (!ws.allStores().every((s) => s.linksSettled)) await new Promise((resolve) => setTimeout(resolve, 5))
  const t2 = performance.now()
  const c2 = cpu()
  const reads = (ws as unknown as { linkCache?: { reads: number } }).linkCache?.reads ?? null
  const blendFiles = ws.allStores().reduce((n, s) => n + [...s.index.entries.values()].filter((e) => e.path.endsWith('.blend') && e.file?.exists).length, 0)
  const t3 = performance.now()
  await ws.close()
  return { startMs: t1 - t0, startCpuMs: c1 - c0, linksMs: t2 - t1, linksCpuMs: c2 - c1, reads, closeMs: performance.now() - t3, blendFiles }
}

function startInChild (configFile: string): Promise<StartFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one-start', configFile], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('FIGURES='))
      if (code !== 0 || !line) reject(new Error(`start failed (${code}): ${out}`))
      else resolve(JSON.parse(line.slice('FIGURES='.length)) as StartFigures)
    })
  })
}

const show = (what: string, f: StartFigures) => console.log(
  `${what.padEnd(34)} links: wall ${f.linksMs.toFixed(0).padStart(6)} ms, CPU ${f.linksCpuMs.toFixed(0).padStart(6)} ms, ` +
  `${f.reads === null ? 'reads n/a' : `${f.reads} files read`}; start ${f.startMs.toFixed(0)} ms (CPU ${f.startCpuMs.toFixed(0)} ms); ` +
  `close ${f.closeMs.toFixed(0)} ms; load average ${loadavg()[0]!.toFixed(1)}`)

async function main (count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-links-bench-'))
  try {
    const config = loadConfig(writeTestConfig(dir, { logLevel: 'warn' }))
    await seedDemoIfEmpty(config)
    const root = config.shares.resolve('data::demo')
    const made = await fakeFilm(config, 'demo', count - 10) // the demo brings 10
    const blends = made.filter((p) => p.endsWith('.blend')).map((p) => join(root, p))
    for (const file of blends) { // distinct copies instead of hard links
      copyFileSync(file, file + '.copy')
      renameSync(file + '.copy', file)
    }
    const first = await startInChild(config.file)
    console.log(`== ${count} assets, ${first.blendFiles} distinct .blend files; ${process.version} ==`)
    show('first start (no cache)', first)
    show('restart', await startInChild(config.file))
    const later = new Date(Date.now() + 60_000)
    for (const file of blends.filter((_, i) => i % 100 === 0)) utimesSync(file, later, later)
    show('restart, 1% of the files changed', await startInChild(config.file))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const at = process.argv.indexOf('--one-start')
if (at >= 0) {
  console.log('FIGURES=' + JSON.stringify(await oneStart(process.argv[at + 1]!)))
} else {
  await main(Number(process.argv[2] ?? 2000))
}
