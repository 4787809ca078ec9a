// What the tests of the add-on in real Blender share: where Blender is, a port where nothing listens,
// and running one of blender-addon/tests/test_*.py in Blender (headless, on a .blend of a started
// server's project) with the arguments it reads, checking its closing 'N passed, 0 failed' line and
// reading back its 'RFAM_RESULT <json>' lines. The scripts' side of this is blender-addon/tests/in_blender.py.
import type { Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'

export const blender = '/usr/bin/blender'

/** For t.test's `skip`: why, when this machine has no Blender. */
export const noBlender: string | false = existsSync(blender) ? false : `${blender} is not installed`

/** A port where nothing listens (bound, then released). */
export async function deadPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 9
}

/** Runs Blender without blocking the event loop (the server answers from this same process). */
function runBlender (args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null, out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(blender, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out }))
  })
}

export interface TestScript {
  /** The script's file name in blender-addon/tests, such as 'test_connect.py'. */
  script: string
  /** The .blend Blender opens (a file of the server's project). */
  blendFile: string
  /** A folder of the test's own: Blender's user scripts and config go there, so the add-on installs afresh. */
  work: string
  /** What the script reads as its ARGS (JSON after '--'). */
  args: object
  /** The script's closing line when every step passed (with ', N skipped' where it counts skips). */
  summary?: RegExp
}

/**
 * Runs the script and checks that Blender exits 0 and that every step passed (on failure, the end of
 * Blender's output becomes a comment). Returns what its 'RFAM_RESULT <json>' lines said, merged,
 * or null when a step failed.
 */
export async function runTestScript (t: Test, run: TestScript): Promise<Record<string, unknown> | null> {
  const summary = run.summary ?? /^\d+ passed, 0 failed$/m
  const userDir = join(run.work, 'blender-user')
  const env = { ...process.env, BLENDER_USER_SCRIPTS: join(userDir, 'scripts'), BLENDER_USER_CONFIG: join(userDir, 'config') }
  const script = join(repoRoot, 'blender-addon', 'tests', run.script)
  const { code, out } = await runBlender(['-b', run.blendFile, '--factory-startup', '--python-exit-code', '1', '--python', script, '--', JSON.stringify(run.args)], env)
  if (code !== 0) t.comment(out.slice(-12000))
  t.equal(code, 0, 'blender exits 0')
  if (!t.match(out, summary, 'every step passed')) return null
  t.comment(`in Blender: ${summary.exec(out)![0]}`)
  const found: Record<string, unknown> = {}
  for (const m of out.matchAll(/RFAM_RESULT (.*)$/gm)) Object.assign(found, JSON.parse(m[1]!))
  return found
}
