// CI shows only the tail of a run: the closing line and the failed tests named just above it.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'

function summarise (tap: string): string[] {
  const log = join(t.testdir(), 'run.log')
  writeFileSync(log, tap)
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'tap-summary.mjs'), log], { encoding: 'utf8' })
  return run.stdout.trimEnd().split('\n')
}

t.test('a failed check is named with its file and tests, with the first lines of why, above the count', async (t) => {
  const lines = summarise([
    'TAP version 14',
    '# Subtest: test/a.test.ts',
    '    # Subtest: group one',
    '        ok 1 - fine',
    '        not ok 2 - should be equal',
    '          ---',
    '          found: 1',
    '          wanted: 2',
    '          ...',
    '        1..2',
    '    not ok 1 - group one # time=3ms',
    '    1..1',
    'not ok 1 - test/a.test.ts # time=10ms',
    '# Subtest: test/b.test.ts',
    '    ok 1 - fine',
    '    1..1',
    'not ok 2 - test/b.test.ts # time=10ms',
    '  ---',
    '  exitCode: 1',
    '  ...',
    '# Subtest: test/c.test.ts',
    '    ok 1 - fine',
    'ok 3 - test/c.test.ts',
    '\u001b[31m# { total: 5, pass: 3, fail: 2 }\u001b[0m',
  ].join('\n'))
  t.same(lines, [
    'FAILED test/a.test.ts > group one > should be equal',
    '    found: 1',
    '    wanted: 2',
    'FAILED test/b.test.ts',
    '    exitCode: 1',
    '3 passed, 2 failed',
  ])
})

t.test('a run with nothing failed prints only the count; a run that never summed up is a failure', async (t) => {
  t.same(summarise('TAP version 14\nok 1 - test/c.test.ts\n# { total: 3, pass: 2, skip: 1 }\n'), ['2 passed, 0 failed'])
  t.same(summarise('TAP version 14\nok 1 - test/c.test.ts\n'), ['0 passed, 1 failed'])
})
