// Dead nodes and absent servers (issue 16 item 5), with a real server process, two real nodes and
// real Blender, the default timing (node timeout 60 s):
//   killed node  from SIGKILL of the busy node to the idle one rendering its frames;
//   server away  the server killed for BENCH_AWAY_SECONDS (default 60) while both nodes render
//                short runs they finish meanwhile: from the server listening again to both nodes
//                rendering again (the worse of the two);
//   server frozen  the same with SIGSTOP / SIGCONT: from SIGCONT to both rendering again.
// Prints each figure beside the one measured before nodes noticed closed requests and capped
// their back-off. Asserts nothing.
//   npm run bench:liveness        BENCH_AWAY_SECONDS=60  BENCH_TRIES=1  BENCH_ONLY=killed,away,frozen
import { mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { startNode, testScenes, type NodeProcess } from '../node/harness.ts'
import { startFarmServer, type FarmServer } from './farm-server.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'

const AWAY_SECONDS = Number(process.env.BENCH_AWAY_SECONDS ?? 60)
const TRIES = Number(process.env.BENCH_TRIES ?? 1)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const since = (t0: number) => (performance.now() - t0) / 1000

/** A server process with slow.blend (and copies) in the demo project; nodes started on demand. */
async function setUp (files: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-liveness-'))
  const fns: Array<() => unknown> = []
  const t = { teardown: (fn: () => unknown) => { fns.push(fn) } }
  const configFile = writeTestConfig(dir, { demo: true, localNode: false, logLevel: 'warn', farmSettings: { heartbeatSeconds: 10 } })
  const config = loadConfig(configFile)
  const shots = join(config.shares.resolve('data::demo'), 'shots')
  mkdirSync(shots, { recursive: true })
  for (const f of files) copyFileSync(join(testScenes(), 'slow.blend'), join(shots, f))
  const credential = await new FarmCredentialStore(config.secretsDir).create('bench')
  const server: { s: FarmServer } = { s: await startFarmServer(configFile) }
  // The port is the config's (0: any); a restart must come back on the same one.
  const port = new URL(server.s.url).port
  writeTestConfig(dir, { demo: true, localNode: false, logLevel: 'warn', port: Number(port), farmSettings: { heartbeatSeconds: 10 } })
  const node = async (name: string) => {
    const n = startNode(t, { server: server.s.url, credential, name, shareRoot: config.shares.root('data'), processes: [0] })
    await n.waitForLog({ msg: 'connected to the server' })
    return n
  }
  const api = async () => (await logIn(server.s.url, 'alex')).api
  const restart = async () => { server.s = await startFarmServer(configFile) }
  const tearDown = async () => {
    for (const fn of fns.reverse()) await fn()
    if (server.s.child.exitCode === null && server.s.child.signalCode === null) {
      server.s.child.kill('SIGCONT')
      await server.s.stop()
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return { server, node, api, restart, tearDown }
}

/** Whether the node started a run (of a job whose name matches `name`) after its `from`-th log entry. */
const renders = (n: NodeProcess, from: number, name = /./) => n.logs.slice(from).some((e) => e.msg === 'rendering' && name.test(String(e.jobName)))

/** Seconds from killing the busy node to the idle one rendering what it left. */
export async function killedNode (): Promise<number> {
  const f = await setUp(['slow.blend'])
  try {
    const a = await f.node('pc-a')
    const api = await f.api()
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 20 })).body
    await a.waitForLog({ msg: 'rendering', jobName: 'slow', project: 'demo', frames: /^\[\d+,\d+/ })
    const b = await f.node('pc-b')
    await until('two frames', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= 2, { timeoutMs: 120_000 })
    const seen = b.logs.length
    const t0 = performance.now()
    a.proc.kill('SIGKILL')
    await until('pc-b rendering', () => renders(b, seen, /^slow$/), { timeoutMs: 180_000 })
    return since(t0)
  } finally {
    await f.tearDown()
  }
}

/**
 * Seconds from the server being back (restarted, or thawed) to both nodes rendering again. Both
 * render one-frame runs when it goes: they finish them while it is away and need it for more.
 */
export async function serverAway (how: 'killed' | 'frozen', awaySeconds = AWAY_SECONDS): Promise<{ both: number, each: number[] }> {
  const f = await setUp(['short-a.blend', 'short-b.blend', 'slow.blend'])
  try {
    const nodes = [await f.node('pc-a'), await f.node('pc-b')]
    const api = await f.api()
    for (const file of ['short-a', 'short-b']) await api('POST', '/api/projects/demo/jobs', { file: `shots/${file}.blend`, frameStart: 1, frameEnd: 1 })
    await until('both nodes rendering', () => nodes.every((n) => renders(n, 0, /^short/)), { timeoutMs: 120_000 })
    await api('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 100 })
    const child = f.server.s.child
    if (how === 'killed') {
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
    } else {
      child.kill('SIGSTOP')
    }
    await sleep(awaySeconds * 1000)
    const seen = nodes.map((n) => n.logs.length)
    let t0: number
    if (how === 'killed') {
      await f.restart()
      t0 = performance.now()
    } else {
      t0 = performance.now()
      child.kill('SIGCONT')
    }
    const each: number[] = []
    await Promise.all(nodes.map(async (n, i) => {
      await until(`${n.name} rendering again`, () => renders(n, seen[i]!), { timeoutMs: 300_000 })
      each[i] = since(t0)
    }))
    return { both: Math.max(...each), each }
  } finally {
    await f.tearDown()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (xs: number[]) => xs.length === 1 ? `${xs[0]!.toFixed(1)} s` : `median ${median(xs).toFixed(1)} s, worst ${Math.max(...xs).toFixed(1)} s (${xs.map((x) => x.toFixed(1)).join(', ')})`
const fmtBoth = (rs: Array<{ both: number, each: number[] }>) => `${fmt(rs.map((r) => r.both))} (pc-a / pc-b: ${rs.map((r) => r.each.map((x) => x.toFixed(1)).join(' / ')).join(', ')})`
const only = (what: string) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(what)

const rows: Array<[string, string, string, string]> = []
const row = (what: string, now: string, before: string, target: string) => { rows.push([what, now, before, target]); console.log(`  … ${what}: ${now} | before: ${before}`) }
console.log(`farm liveness (load average ${loadavg()[0]!.toFixed(1)} at start; server away ${AWAY_SECONDS} s)`)
if (only('killed')) {
  const killed: number[] = []
  for (let i = 0; i < TRIES; i++) killed.push(await killedNode())
  row('killed node: its frames rendering on the idle node', fmt(killed), '60.6-60.8 s (the node timeout, 60 s)', '< 10 s')
}
if (only('away')) {
  const away: Array<{ both: number, each: number[] }> = []
  for (let i = 0; i < TRIES; i++) away.push(await serverAway('killed'))
  row(`server away ${AWAY_SECONDS} s: both nodes rendering again`, fmtBoth(away), '25.3, 46.9 s for 60 s away (back-off up to 60 s)', '< 10 s')
}
if (only('frozen')) {
  const frozen: Array<{ both: number, each: number[] }> = []
  for (let i = 0; i < TRIES; i++) frozen.push(await serverAway('frozen'))
  row(`server frozen ${AWAY_SECONDS} s (SIGSTOP): both rendering again after SIGCONT`, fmtBoth(frozen), '0.2-0.3 s for 60 s (but never noticed)', '< 10 s')
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'now', 'before', 'target'][i]!.length))
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
console.log(`\n${line(['measure', 'now', 'before', 'target'])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const r of rows) console.log(line(r))
