// How many file-system calls one edit of an asset makes (through the store, on a local folder), by
// the kind of request Node makes for them: each is a round trip through libuv's thread pool, which
// on a busy machine may wait for a free core. Prints per-edit counts and the time an edit takes
// here, with no other load, without and with a person named (whose edit also goes into the asset's
// history).   npx tsx test/bench/edit-fs-calls.ts
import { createHook } from 'node:async_hooks'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'
import { writeTestConfig } from '../helpers/server.ts'

const EDITS = 200
const dir = mkdtempSync(join(tmpdir(), 'rfam-edit-calls-'))
try {
  const config = loadConfig(writeTestConfig(dir))
  const store = new ProjectStore({ ident: 'p', root: join(dir, 'project'), rescanSeconds: 0, watch: false, defaultsSets: loadConfiguredDefaultsSets(config), defaultSet: config.defaultSet, members: () => ['mia'] })
  await store.start()
  const { path } = await store.create({ name: 'Cake', type: 'prop' }, 'mia')
  for (let i = 0; i < 20; i++) await store.update(path, { priority: 10 + i }) // warm-up
  // Without a person (farm statistics, scripts) nothing goes into the history; a person's edit adds
  // one line to the asset's history file under the same lock.
  for (const by of [undefined, 'mia']) {
    const counts = new Map<string, number>()
    const hook = createHook({ init (_id, type) { if (/^FSREQ|CLOSEREQ$/.test(type)) counts.set(type, (counts.get(type) ?? 0) + 1) } })
    const t0 = performance.now()
    hook.enable()
    for (let i = 0; i < EDITS; i++) await store.update(path, { priority: 10 + (i % 50) }, by)
    hook.disable()
    const ms = (performance.now() - t0) / EDITS
    const total = [...counts.values()].reduce((a, b) => a + b, 0) / EDITS
    console.log(`per edit ${by ? 'by a person (its history line too)' : 'without a person'}: ${total.toFixed(1)} file-system requests (${[...counts].map(([k, v]) => `${k} ${(v / EDITS).toFixed(1)}`).join(', ')}); ${ms.toFixed(2)} ms`)
  }
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
