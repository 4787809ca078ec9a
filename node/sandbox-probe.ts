// Finds out at start whether this node can keep Blender in a bubblewrap sandbox, by doing it once:
// `blender --version` in the sandbox a job would get (an empty project and output folder). Running
// as root it first tries an ordinary user inside (a user namespace), then root without one (a
// container may forbid user namespaces but allow bwrap's own mounts). What it finds goes into the
// node's hello: the server gives work to a node without a sandbox only where staff allow it.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NodeSandbox } from '../schemas/generated/types.ts'
import { findExecutable, Sandbox } from './sandbox.ts'

export type SandboxProbe = { sandbox: Sandbox, said: NodeSandbox } | { sandbox: null, said: NodeSandbox }

const none = (reason: string): SandboxProbe => ({ sandbox: null, said: { kind: 'none', reason: reason.slice(0, 500) } })

/** The last line a failed run printed that says something. */
function lastWords (text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.at(-1) ?? 'no message'
}

export function probeSandbox (options: { bwrap: string, blender: string }): SandboxProbe {
  if (process.platform !== 'linux') return none(`bubblewrap runs only on Linux; this node runs ${process.platform}.`)
  const blender = findExecutable(options.blender)
  if (!blender) return none(`Blender (${options.blender}) was not found.`)
  const bwrap = findExecutable(options.bwrap)
  if (!bwrap) return none(`bubblewrap (${options.bwrap}) is not installed: apt-get install bubblewrap.`)
  const dir = mkdtempSync(join(tmpdir(), 'rfam-sandbox-probe-'))
  try {
    const place = { project: join(dir, 'project'), outputDir: join(dir, 'project', 'out') }
    mkdirSync(place.outputDir, { recursive: true })
    const root = process.getuid?.() === 0
    let failure = ''
    for (const userNamespace of root ? [true, false] : [false]) {
      const sandbox = new Sandbox({ bwrap, blender, userNamespace })
      const [command, ...args] = sandbox.command(['--factory-startup', '-b', '--version'], place)
      const res = spawnSync(command!, args, { encoding: 'utf8', timeout: 60_000 })
      if (res.status === 0 && /Blender \d/.test(res.stdout ?? '')) return { sandbox, said: { kind: 'bubblewrap' } }
      const words = lastWords(`${res.stdout ?? ''}\n${res.stderr ?? ''}\n${res.error?.message ?? ''}`)
      failure ||= words.startsWith('bwrap:') || res.error ? `bubblewrap cannot run here: ${words}` : `Blender does not start inside bubblewrap: ${words}`
    }
    return none(failure)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
