import t from 'tap'
import { spawnSync } from 'node:child_process'
import { repoRoot } from '../server/config/load-config.ts'

// `npm run lint` as a test, so `npm test` (and CI's .ci/run, which runs it) fails on a lint finding:
// ESLint over the TypeScript and JavaScript (eslint.config.js), flake8 over the Python (.flake8).
// Each prints nothing when the code is clean; a failure lists the findings.
// The linters run as they do from a terminal: tap (its processinfo) puts its loaders, and
// `test:unit` tsx, back into every child's NODE_OPTIONS, and tsx's resolver breaks ESLint's own
// imports, so a shell clears them right before npm starts.
const run = (script: string) => spawnSync('sh', ['-c', 'unset NODE_OPTIONS; exec npm run --silent "$0"', script],
  { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 })

t.test('ESLint finds nothing (npm run lint:js)', async (t) => {
  const r = run('lint:js')
  t.equal(r.status, 0, `npm run lint:js exits 0\n${r.stdout}${r.stderr}`)
  t.equal(r.stdout.trim(), '', 'no findings, not even warnings')
})

const flake8 = spawnSync('flake8', ['--version']).status === 0
t.test('flake8 finds nothing (npm run lint:py)', { skip: flake8 ? false : 'flake8 is not installed (apt-get install flake8, or scripts/install-system-deps.sh)' }, async (t) => {
  const r = run('lint:py')
  t.equal(r.status, 0, `npm run lint:py exits 0\n${r.stdout}${r.stderr}`)
  t.equal(r.stdout.trim(), '', 'no findings')
})
