// Folders for a test's own files: tap's t.testdir() (.tap/fixtures/<file>-<test>, removed when the
// test ends, kept with --save-fixture). t.testdir() gives one folder per test and empties it on every
// call, so helpers that may run several times in one test (two servers, a node each) take a named
// subfolder of it from here.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { createHash } from 'node:crypto'

/** What the helpers need of tap's `t`; benchmarks and scripts pass a stand-in with `teardown` alone. */
export interface Tap {
  teardown: (fn: () => unknown) => void
  testdir?: (content?: FixtureDir) => string
  testdirName?: string
}

/** What t.testdir() may fill the folder with: file contents by name, folders as objects. */
export interface FixtureDir { [name: string]: string | Buffer | FixtureDir }

const roots = new WeakMap<object, string>()

/**
 * The test's own folder (t.testdir(content), made once per test), or a temporary folder outside tap.
 * Tests that start a server or a process take it from here rather than from t.testdir(), so the
 * folder outlives their teardowns.
 */
export function testRoot (t: Tap, content?: FixtureDir): string {
  const known = roots.get(t)
  if (known) return known
  let root: string
  if (t.testdir) {
    // Teardowns first, then tap removes the folder: tap runs them in the order its plugins were
    // first used in this test, so a teardown is registered before the folder is made.
    t.teardown(() => {})
    // One path component per test, named after the file and the tests around it: keep it under
    // the 255 bytes a file name may have.
    const name = basename(t.testdirName!)
    if (name.length > 180) t.testdirName = join(dirname(t.testdirName!), `${name.slice(0, 160)}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`)
    // t.testdir() empties the folder: one made by this process already is a test's own files.
    const made = statSync(t.testdirName!, { throwIfNoEntry: false })
    if (made && made.ctimeMs >= performance.timeOrigin) throw new Error(`${t.testdirName} was made by t.testdir() already: take it from testRoot(t, content) instead, so the helpers' folders go beside it`)
    root = t.testdir(content)
  } else {
    // Benchmarks and scripts run without tap: a temporary folder, removed at their teardown.
    root = mkdtempSync(join(tmpdir(), 'rfam-'))
    t.teardown(() => rmSync(root, { recursive: true, force: true }))
    if (content) throw new Error('fixture content needs tap')
  }
  roots.set(t, root)
  return root
}

/** A new, empty subfolder of the test's own folder, named `name` (`name-2`… when taken). */
export function testFolder (t: Tap, name: string): string {
  const root = testRoot(t)
  let dir = join(root, name)
  for (let n = 2; existsSync(dir); n++) dir = join(root, `${name}-${n}`)
  mkdirSync(dir, { recursive: true })
  return dir
}
