// scripts/lts-node.sh, which the README's commands, CI and the systemd units go through: a command
// runs on Node.js 24 LTS or newer, whichever Node.js the machine has. A machine with an old one is
// made here by a `node` first on PATH that says it is Node.js 20 (and runs nothing else).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { testFolder } from '../helpers/folders.ts'

const script = join(repoRoot, 'scripts', 'lts-node.sh')
// As from a person's shell: without what npm and tap tell their children (npm_node_execpath names the
// Node.js that ran the outer npm; NODE_OPTIONS holds tap's loaders).
const shell = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE$|NODE_OPTIONS$|TAP)/i.test(k)))
const run = (args: string[], path: string) => spawnSync('bash', [script, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, env: { ...shell, PATH: path } })
const major = (version: string) => Number(version.trim().replace(/^v/, '').split('.')[0])

t.test('on a machine with Node.js 20: the command runs on Node.js 24 from tools/node-lts/', async (t) => {
  const dir = testFolder(t, 'old-node')
  // Answers what lts-node.sh asks an installed node (its major version, --version) as Node.js 20 would.
  writeFileSync(join(dir, 'node'), '#!/bin/sh\ncase "$*" in *--version*) echo v20.20.2 ;; *process.versions*) echo 20 ;; *) echo "old node ran: $*" >&2; exit 3 ;; esac\n')
  chmodSync(join(dir, 'node'), 0o755)
  const r = run(['node', '-p', 'process.versions.node + " " + process.execPath'], `${dir}:${process.env.PATH}`)
  t.equal(r.status, 0, r.stderr)
  const [version, execPath] = r.stdout.trim().split(' ')
  t.ok(major(version!) >= 24, `Node.js ${version}, an LTS RFAM supports`)
  t.equal(execPath, join(repoRoot, 'tools', 'node-lts', 'node_modules', 'node', 'bin', 'node'), 'the one in tools/node-lts/')
  t.notMatch(r.stderr, /old node ran|EBADENGINE/, 'the old node ran nothing, and npm warned of no engine')

  const npm = run(['npm', 'exec', '--', 'node', '-p', 'process.versions.node'], `${dir}:${process.env.PATH}`)
  t.equal(npm.status, 0, npm.stderr)
  t.ok(major(npm.stdout) >= 24, 'what npm starts runs on it too')
})

t.test('on a machine with Node.js 24 or newer: its own node', { skip: major(process.versions.node) >= 24 ? false : `this test runs on Node.js ${process.versions.node}` }, async (t) => {
  const r = run(['node', '-p', 'process.execPath'], `${join(process.execPath, '..')}:${process.env.PATH}`)
  t.equal(r.status, 0, r.stderr)
  t.equal(r.stdout.trim(), process.execPath)
})

t.test('the command fails as it would alone: its exit code passes through', async (t) => {
  const r = run(['bash', '-c', 'exit 7'], process.env.PATH!)
  t.equal(r.status, 7)
})
