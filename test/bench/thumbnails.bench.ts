// Benchmark of asset thumbnails (issue 12 item 2). Prints its figures; asserts nothing.
//   npx tsx test/bench/thumbnails.bench.ts [assets, default 10000]
//   BENCH_BASE_BUNDLE=<server bundle of the version before thumbnails> npx tsx test/bench/thumbnails.bench.ts
// 1. Reading one thumbnail, with the server's reader, from files Blender 3.4 saved (headless: it stores
//    the thumbnail of the file it started from), plain, zstd and gzip, small and of tens of MB: wall time
//    per reading and the PNG made of it. The target: under 5 ms.
// 2. The asset list of a project of N assets whose every .blend holds a thumbnail (each a copy of one
//    file Blender saved, so each has an identity, and a tag, of its own): its size and its load figures
//    as bench:assets measures them, for the server before thumbnails (BENCH_BASE_BUNDLE, a bundle built
//    from that commit:
//      git archive <commit> | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/ && (cd /tmp/base && node scripts/build-server.mjs)
//    then BENCH_BASE_BUNDLE=/tmp/base/dist/server.mjs) and this one, on the same files. Each version has
//    a link cache of its own: first each reads every file once (timed: after the upgrade this version
//    reads every file again, its reader version being new), then they take turns (before, after, three
//    times, BENCH_PAIRS) with their caches warm, so both meet the same load. The target: within 2x.
// 3. The thumbnail route: the first request for each of a few hundred distinct files (read + PNG), and
//    one picture asked again and again (from memory; and 304 with its ETag).
// It needs about 1 GB of disk for a while (N copies of a 90 kB file).
// On a 2-core machine shared with other work, wall times depend on that work: figures come with the
// load average and, where it matters, CPU time.
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { AssetList } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { encodePng } from '../../server/blend/png.ts'
import { readBlendThumbnail } from '../../server/blend/thumbnail.ts'
import { fakeFilm } from '../../scripts/fake-film.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { cpuSeconds, serverBundle, startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { BLENDER } from '../blend/blender-fixtures.ts'
import { figures, load, load1, type LoadFigures } from './list-load.ts'

const count = Number(process.argv[2] ?? 10_000)
const baseBundle = process.env.BENCH_BASE_BUNDLE
const dir = mkdtempSync(join(tmpdir(), 'rfam-thumbs-bench-'))
const run = promisify(execFile)
const SCRIPT = join(import.meta.dirname, '..', 'blend', 'make-thumbnails.py')

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!
const ms = (x: number) => x.toFixed(2)

/** Files Blender saved with a thumbnail: small ones (make-thumbnails.py) and a big mesh. */
async function blenderFiles (): Promise<Record<string, string>> {
  const env = { ...process.env, HOME: dir, TMPDIR: dir }
  await run(BLENDER, ['-b', '--factory-startup', '--python-exit-code', '1', '--python', SCRIPT, '--', dir], { env, maxBuffer: 64 << 20 })
  const big = 'import bpy, os, sys\nout = sys.argv[sys.argv.index("--") + 1]\n' +
    'bpy.ops.mesh.primitive_grid_add(x_subdivisions=500, y_subdivisions=500)\n' +
    'for name, c in (("big-plain.blend", False), ("big-zstd.blend", True)):\n' +
    '    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out, name), compress=c, copy=True)\n'
  await run(BLENDER, ['-b', '--factory-startup', '--python-exit-code', '1', '--python-expr', big, '--', dir], { env, maxBuffer: 64 << 20 })
  writeFileSync(join(dir, 'gzip.blend'), gzipSync(readFileSync(join(dir, 'plain.blend'))))
  writeFileSync(join(dir, 'big-gzip.blend'), gzipSync(readFileSync(join(dir, 'big-plain.blend'))))
  const files: Record<string, string> = {}
  for (const name of ['plain.blend', 'zstd.blend', 'gzip.blend', 'big-plain.blend', 'big-zstd.blend', 'big-gzip.blend']) files[name] = join(dir, name)
  return files
}

async function reading (files: Record<string, string>): Promise<void> {
  console.log(`\n== 1. reading one thumbnail (${readFileSync('/proc/cpuinfo', 'utf8').split('\nprocessor').length} CPUs, load average ${load1()}) ==`)
  const rounds = 200
  for (const [name, file] of Object.entries(files)) {
    for (let i = 0; i < 20; i++) await readBlendThumbnail(file) // warm up
    const walls: number[] = []
    const cpu0 = process.cpuUsage()
    let thumbnail = null
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now()
      thumbnail = await readBlendThumbnail(file)
      walls.push(performance.now() - t0)
    }
    const cpu = process.cpuUsage(cpu0)
    const pngWalls: number[] = []
    let png: Buffer = Buffer.alloc(0)
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now()
      png = encodePng(thumbnail!.width, thumbnail!.height, thumbnail!.rgba)
      pngWalls.push(performance.now() - t0)
    }
    const size = readFileSync(file).length
    console.log(`${name.padEnd(16)} ${(size / 1024 / 1024).toFixed(2).padStart(6)} MB, ${thumbnail!.width}x${thumbnail!.height}: ` +
      `read p50 ${ms(quantile(walls, 0.5))} ms, p95 ${ms(quantile(walls, 0.95))} ms, mean ${ms(walls.reduce((a, b) => a + b) / rounds)} ms ` +
      `(CPU ${ms((cpu.user + cpu.system) / 1000 / rounds)} ms); PNG ${png.length} bytes in p50 ${ms(quantile(pngWalls, 0.5))} ms; load average ${load1()}`)
  }
}

interface ListRun { label: string, listKb: number, gzipKb: number, tagged: number, gzip16: LoadFigures, gzip1: LoadFigures, plain16: LoadFigures, notModified: LoadFigures, firstListMs: number }

/** Starts the server of `bundle` on the project, waits until its list has settled, and loads the list. */
async function listRun (label: string, configFile: string, bundle: string, blends: number): Promise<ListRun> {
  const server: ServerProcess = await startServerProcess(configFile, { stderr: 'inherit', bundle })
  try {
    const pid = server.child.pid!
    const cookie = (await logIn(server.url, 'leo')).cookie
    const url = `${server.url}/api/projects/demo/assets`
    let list = await (await fetch(url, { headers: { cookie } })).json() as AssetList
    const firstListMs = performance.now() - server.spawnedAt
    // Its cache is warm: what it knows of each file comes in at once, in the views a moment later.
    const deadline = performance.now() + 30_000
    while (label === 'after' && list.assets.filter((a) => a.thumbnail).length < blends && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      list = await (await fetch(url, { headers: { cookie } })).json() as AssetList
    }
    const tagged = list.assets.filter((a) => a.thumbnail).length
    const plain = await fetch(url, { headers: { cookie, 'accept-encoding': 'identity' } })
    const listKb = (await plain.arrayBuffer()).byteLength / 1024
    const gzipKb = Number((await fetch(url, { headers: { cookie, 'accept-encoding': 'gzip' } })).headers.get('content-length')) / 1024
    const gzip = { 'accept-encoding': 'gzip' }
    const gzip16 = await load(url, cookie, pid, 16, gzip)
    const gzip1 = await load(url, cookie, pid, 1, gzip)
    const plain16 = await load(url, cookie, pid, 16)
    const notModified = await load(url, cookie, pid, 16, { 'if-none-match': plain.headers.get('etag')! }, 304)
    return { label, listKb, gzipKb, tagged, gzip16, gzip1, plain16, notModified, firstListMs }
  } finally {
    await server.stop()
  }
}

/** Starts a server and times it until its link cache file holds every file (it has read them all). */
async function readEverything (label: string, configFile: string, bundle: string, cacheFile: string, files: number): Promise<void> {
  const server = await startServerProcess(configFile, { stderr: 'inherit', bundle })
  try {
    await logIn(server.url, 'leo') // the first request: reading starts once the server is ready
    const cpu0 = cpuSeconds(server.child.pid!)
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const text = existsSync(cacheFile) ? readFileSync(cacheFile, 'utf8') : ''
      if (text.split('\n').length - 3 >= files) break
    }
    console.log(`${label}: every file read once (first start, cold cache) within ${((performance.now() - server.spawnedAt) / 1000).toFixed(1)} s of the process start ` +
      `(the cache file is written up to 3 s after the last reading), server CPU ${(cpuSeconds(server.child.pid!) - cpu0).toFixed(1)} s; load average ${load1()}`)
  } finally {
    await server.stop()
  }
}

async function list (blenderFile: string): Promise<string> {
  const config = loadConfig(writeTestConfig(join(dir, 'server'), { logLevel: 'warn', port: 0 }))
  await seedDemoIfEmpty(config)
  await fakeFilm(config, 'demo', count - 10, { owner: undefined })
  // Every .blend of the project a copy of one file Blender saved with a thumbnail.
  const root = config.shares.resolve('data::demo')
  const { stdout } = await run('find', [root, '-name', '*.blend'], { maxBuffer: 1 << 26 })
  const blends = stdout.trim().split('\n')
  // Unlinked first: fake-film's files are hard links of the templates in config/defaults, which a copy
  // onto them would overwrite.
  for (const file of blends) { unlinkSync(file); copyFileSync(blenderFile, file) }
  // The same project for both versions, each with a link cache of its own.
  const configs = Object.fromEntries(['before', 'after'].map((label) => {
    const file = join(dir, 'server', `server-${label}.json`)
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(config.file, 'utf8')), cache: `cache-${label}` }))
    return [label, { file, cache: join(dir, 'server', `cache-${label}`, 'blend-links.json') }]
  })) as Record<'before' | 'after', { file: string, cache: string }>
  const after = await serverBundle()
  const hasBase = baseBundle !== undefined && existsSync(baseBundle)
  console.log(`\n== 2. the asset list, ${count} assets, ${blends.length} .blend files each holding a thumbnail (load average ${load1()}) ==`)
  if (!hasBase) console.log('(no BENCH_BASE_BUNDLE: only this version is measured; see the top of this file for the one before thumbnails)')
  if (hasBase) await readEverything('before', configs.before.file, baseBundle!, configs.before.cache, blends.length)
  await readEverything('after', configs.after.file, after, configs.after.cache, blends.length)
  const runs: ListRun[] = []
  const pairs = Number(process.env.BENCH_PAIRS ?? 3)
  const order: Array<['before' | 'after', string]> = hasBase
    ? Array.from({ length: pairs }, () => [['before', baseBundle!], ['after', after]] as Array<['before' | 'after', string]>).flat()
    : [['after', after]]
  for (const [label, bundle] of order) {
    const r = await listRun(label, configs[label].file, bundle, blends.length)
    runs.push(r)
    console.log(`${label} (run ${runs.filter((x) => x.label === label).length}): first full list ${r.firstListMs.toFixed(0)} ms after the process started; ` +
      `list ${r.listKb.toFixed(0)} kB plain, ${r.gzipKb.toFixed(0)} kB gzip, ${r.tagged} assets with a thumbnail tag`)
    console.log(`  gzip, 16 clients: ${figures(r.gzip16)}`)
    console.log(`  gzip, 1 client:   ${figures(r.gzip1)}`)
    console.log(`  plain, 16 clients: ${figures(r.plain16)}`)
    console.log(`  unchanged (304), 16 clients: ${figures(r.notModified)}`)
  }
  const best = (label: string, pick: (r: ListRun) => LoadFigures) => {
    const mine = runs.filter((r) => r.label === label).map(pick)
    return mine.length ? { rps: Math.max(...mine.map((m) => m.rps)), cpu: Math.min(...mine.map((m) => m.serverMsPerRequest)), p50: Math.min(...mine.map((m) => m.p50)) } : undefined
  }
  if (runs.some((r) => r.label === 'before')) {
    console.log('side by side (best of the runs: highest req/s, lowest server CPU per request), after / before:')
    for (const [name, pick] of [['gzip, 16 clients', (r: ListRun) => r.gzip16], ['gzip, 1 client', (r: ListRun) => r.gzip1], ['plain, 16 clients', (r: ListRun) => r.plain16], ['304, 16 clients', (r: ListRun) => r.notModified]] as const) {
      const b = best('before', pick)!
      const a = best('after', pick)!
      console.log(`  ${name.padEnd(18)} before ${b.rps.toFixed(0)} req/s, ${ms(b.cpu)} ms CPU/request | after ${a.rps.toFixed(0)} req/s, ${ms(a.cpu)} ms CPU/request | ` +
        `time per request x${(b.rps / a.rps).toFixed(2)}, CPU per request x${(a.cpu / b.cpu).toFixed(2)}`)
    }
    const size = (label: string) => runs.find((r) => r.label === label)!
    console.log(`  list size: before ${size('before').listKb.toFixed(0)} kB (${size('before').gzipKb.toFixed(0)} kB gzip), after ${size('after').listKb.toFixed(0)} kB (${size('after').gzipKb.toFixed(0)} kB gzip)`)
  }
  return configs.after.file
}

async function route (configFile: string): Promise<void> {
  const config = loadConfig(configFile)
  const root = config.shares.resolve('data::demo')
  const distinct = 300
  const { stdout } = await run('find', [join(root, 'props'), '-name', '*.blend'], { maxBuffer: 1 << 26 })
  const props = stdout.trim().split('\n').slice(0, distinct) // distinct files, each a copy
  const server = await startServerProcess(configFile, { stderr: 'inherit' })
  try {
    const pid = server.child.pid!
    const cookie = (await logIn(server.url, 'leo')).cookie
    const url = `${server.url}/api/projects/demo/assets`
    let assets: AssetList['assets'] = []
    const deadline = performance.now() + 120_000
    do {
      await new Promise((resolve) => setTimeout(resolve, 200))
      assets = ((await (await fetch(url, { headers: { cookie } })).json()) as AssetList).assets
    } while (assets.filter((a) => a.thumbnail).length < 0.9 * assets.filter((a) => a.path.endsWith('.blend')).length && performance.now() < deadline)
    const rels = props.map((p) => p.slice(root.length + 1))
    const tags = new Map(assets.map((a) => [a.path, a.thumbnail]))
    console.log(`\n== 3. the thumbnail route (load average ${load1()}) ==`)
    const walls: number[] = []
    const cpu0 = cpuSeconds(pid)
    for (const rel of rels) {
      const t0 = performance.now()
      const res = await fetch(`${server.url}/api/projects/demo/thumbnails/${rel}?v=${tags.get(rel)}`, { headers: { cookie } })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`${rel}: ${res.status}`)
      walls.push(performance.now() - t0)
    }
    console.log(`first request for each of ${rels.length} distinct files (read + PNG): p50 ${ms(quantile(walls, 0.5))} ms, p95 ${ms(quantile(walls, 0.95))} ms; ` +
      `server CPU ${ms((cpuSeconds(pid) - cpu0) * 1000 / rels.length)} ms/request; load average ${load1()}`)
    const one = `${server.url}/api/projects/demo/thumbnails/${rels[0]}?v=${tags.get(rels[0]!)}`
    console.log(`one picture again and again (from memory), 16 clients: ${figures(await load(one, cookie, pid, 16))}`)
    const etag = (await fetch(one, { headers: { cookie } })).headers.get('etag')!
    console.log(`the same with its ETag (304), 16 clients: ${figures(await load(one, cookie, pid, 16, { 'if-none-match': etag }, 304))}`)
  } finally {
    await server.stop()
  }
}

try {
  const files = await blenderFiles()
  await reading(files)
  const configFile = await list(files['zstd.blend']!)
  await route(configFile)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
