// What the bubblewrap sandbox costs per Blender start on this machine: the same start run alone and
// inside the sandbox a node builds (node/sandbox.ts), interleaved so drift hits both alike. Prints
// medians and the difference. Asserts nothing.
//   npx tsx test/bench/sandbox-start.bench.ts [runs]     (default 15 of each)
// Three starts: bwrap around /bin/true (the sandbox's own set-up), `blender --version` (no Python,
// no file), and what a node's session does at start (Blender loads a .blend, runs Python, quits).
import { spawn } from 'node:child_process'
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

const runs = Number(process.argv[2] ?? 15)
const blender = findExecutable('blender')!
const dir = mkdtempSync(join(tmpdir(), 'rfam-bench-sandbox-'))
try {
  const scenes = testScenes()
  const project = join(dir, 'project')
  mkdirSync(join(project, 'renders'), { recursive: true })
  const place = { project: scenes, outputDir: join(project, 'renders') }
  const sandbox = new Sandbox({ bwrap: findExecutable('bwrap')!, blender, userNamespace: process.getuid?.() === 0 })
  const inside = (args: string[]) => sandbox.command(args, place)
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
} finally {
  rmSync(dir, { recursive: true, force: true })
}
