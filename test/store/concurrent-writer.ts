// Child process for concurrent-writers.process.test.ts: increments one field of one asset N times
// through ProjectStore.update, each time as a read-modify-write under the file's lock.
import { openChildStore } from './child-store.ts'

const [configFile, project, path, field, times] = process.argv.slice(2) as [string, string, string, 'frameStart' | 'frameEnd', string]
const store = await openChildStore(configFile, project)
for (let i = 0; i < Number(times); i++) {
  await store.update(path, (meta) => ({ ...meta, [field]: (meta[field] ?? 0) + 1 }))
}
await store.close()
