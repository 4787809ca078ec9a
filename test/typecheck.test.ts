import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../server/config/load-config.ts'

// The code runs through tsx, which strips types without checking them: this is where type
// errors (a schema change the code did not follow, say) fail the build.
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')

for (const project of ['.', 'web']) {
  t.test(`tsc -p ${project} finds no type errors`, async (t) => {
    const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 })
    t.equal(run.status, 0, run.stdout + run.stderr)
  })
}
