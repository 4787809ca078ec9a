// The Python a render node's Blender runs (node/blender/) as Python: its unit tests under python3
// without Blender (test_blender_scripts.py); flake8 checks it with every other Python file in
// test/lint.test.ts. The real Blender runs the scripts in the other node tests (blender-session,
// render, preview, sandbox …).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'

const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 })

t.test('the scripts\' unit tests pass under python3', async (t) => {
  const r = run('python3', [join(repoRoot, 'test', 'node', 'test_blender_scripts.py')])
  t.equal(r.status, 0, `python3 test_blender_scripts.py exits 0\n${r.stdout.slice(-3000)}${r.stderr.slice(-3000)}`)
  const summary = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout)
  t.equal(summary?.[2], '0', 'nothing failed')
  t.ok(Number(summary?.[1]) >= 20, `they all ran (${summary?.[1]} passed)`)
})
