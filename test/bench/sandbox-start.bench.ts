// What the bubblewrap sandbox costs per Blender start on this machine: the same start run alone and
// inside the sandbox a node builds (node/sandbox.ts), interleaved so drift hits both alike. Prints
// medians and the difference. Asserts nothing.
//   npx tsx test/bench/sandbox-start.bench.ts [runs]          (default 15 of each)
// Three starts: bwrap around /bin/true (the sandbox's own set-up), `blender --version` (no Python,
// no file), and what a node's session does at start (Blender loads a .blend, runs Python, quits).
//   npx tsx test/bench/sandbox-start.bench.ts frame [runs]    (default 5 of each)
// A whole ~5 s frame (heavy.blend, `blender -b … -f 1`) alone and in the sandbox: wall time and the
// CPU time of Blender (user + system, from /usr/bin/time), which a busy
// shared machine disturbs far less than wall time.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findExecutable, Sandbox } from '../../node/sandbox.ts'
import { testScenes } from '../node/harness.ts'

function timed (argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', (code) => code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`${argv.join(' ')} exited ${code}`)))
  })
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 }

/**
 * Wall and CPU seconds of one run: wall measured here, CPU by /usr/bin/time around Blender (inside
 * the sandbox for a sandboxed run: bwrap does not pass on its children's CPU time).
 */
function cpuTimed (argv: string[]): { wall: number, cpu: number } {
  const at = argv.indexOf('--') + 1 // after bwrap's own arguments, or 0
  const timedArgv = [...argv.slice(0, at), '/usr/bin/time', '-f', 'RFAM_TIME %U %S', ...argv.slice(at)]
  const t0 = performance.now()
  const res = spawnSync(timedArgv[0]!, timedArgv.slice(1), { encoding: 'utf8' })
  const wall = (performance.now() - t0) / 1000
  const m = /RFAM_TIME ([\d.]+) ([\d.]+)/.exec(res.stderr)
  if (res.status !== 0 || !m) throw new Error(`${argv.join(' ')} failed:\n${res.stderr.slice(-2000)}`)
  return { wall, cpu: Number(m[1]) + Number(m[2]) }
}

const frame = process.argv[2] === 'frame'
const runs = Number(process.argv[frame ? 3 : 2] ?? (frame ? 5 : 15))
const blender = findExecutable('blender')!
/** One ~5 s frame alone and in the sandbox, interleaved: wall and CPU time. */
function frames (sandbox: Sandbox, project: string): void {
  const heavy = testScenes(Number(process.env.BENCH_HEAVY_SAMPLES ?? 3000))
  const args = ['--factory-startup', '-Y', '-b', join(heavy, 'heavy.blend'), '-o', join(project, 'renders', '####'), '-f', '1']
  const boxed = sandbox.command(args, { project: heavy, outputDir: join(project, 'renders') })
  const plain: Array<{ wall: number, cpu: number }> = []
  const inBox: Array<{ wall: number, cpu: number }> = []
  for (let i = 0; i < runs; i++) {
    plain.push(cpuTimed([blender, ...args]))
    inBox.push(cpuTimed(boxed))
  }
  const wall = (xs: typeof plain) => median(xs.map((x) => x.wall))
  const cpu = (xs: typeof plain) => median(xs.map((x) => x.cpu))
  console.log(`one frame of heavy.blend, median of ${runs} interleaved runs: alone wall ${wall(plain).toFixed(2)} s, CPU ${cpu(plain).toFixed(2)} s; in the sandbox wall ${wall(inBox).toFixed(2)} s, CPU ${cpu(inBox).toFixed(2)} s`)
  console.log(`  in the sandbox / alone: CPU ${(cpu(inBox) / cpu(plain)).toFixed(4)}×, wall ${(wall(inBox) / wall(plain)).toFixed(4)}×`)
}

/** Starts alone and in the sandbox, interleaved: medians and the difference. */
async function starts (sandbox: Sandbox, project: string): Promise<void> {
  const scenes = testScenes()
  const inside = (args: string[]) => sandbox.command(args, { project: scenes, outputDir: join(project, 'renders') })
  const session = ['--factory-startup', '-Y', '-b', join(scenes, 'tiny.blend'), '--python-expr', 'import bpy, os; bpy.context.scene.render.filepath; os._exit(0)']
  const cases: Array<{ what: string, plain: string[], boxed: string[] }> = [
    { what: 'bwrap around /bin/true', plain: ['/bin/true'], boxed: [sandbox.options.bwrap, ...inside([]).slice(1, -1), '/bin/true'] },
    { what: 'blender --version', plain: [blender, '--factory-startup', '-b', '--version'], boxed: inside(['--factory-startup', '-b', '--version']) },
    { what: 'Blender start: load tiny.blend, run Python, quit', plain: [blender, ...session], boxed: inside(session) },
  ]
  console.log(`sandbox cost per start, median of ${runs} interleaved runs each (user namespace: ${sandbox.options.userNamespace})`)
  for (const c of cases) {
    await timed(c.plain); await timed(c.boxed) // warm the page cache
    const plain: number[] = []
    const boxed: number[] = []
    for (let i = 0; i < runs; i++) {
      plain.push(await timed(c.plain))
      boxed.push(await timed(c.boxed))
    }
    const p = median(plain)
    const b = median(boxed)
    console.log(`  ${c.what}: plain ${(p * 1000).toFixed(1)} ms, in the sandbox ${(b * 1000).toFixed(1)} ms, +${((b - p) * 1000).toFixed(1)} ms`)
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-sandbox-'))
try {
  const project = join(dir, 'project')
  mkdirSync(join(project, 'renders'), { recursive: true })
  const sandbox = new Sandbox({ bwrap: findExecutable('bwrap')!, blender, userNamespace: process.getuid?.() === 0 })
  if (frame) frames(sandbox, project)
  else await starts(sandbox, project)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
