// Child process for concurrent-writers.process.test.ts: increments one field of one asset N times
// through ProjectStore.update, each time as a read-modify-write under the file's lock.
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'

const [configFile, project, path, field, times] = process.argv.slice(2) as [string, string, string, 'frameStart' | 'frameEnd', string]
const config = loadConfig(configFile)
const store = new ProjectStore({
  ident: project,
  root: config.shares.resolve(`data::${project}`),
  rescanSeconds: 0,
  watch: false,
  defaultsSets: loadConfiguredDefaultsSets(config),
  defaultSet: config.defaultSet,
  members: () => [],
})
await store.start()
for (let i = 0; i < Number(times); i++) {
  await store.update(path, (meta) => ({ ...meta, [field]: (meta[field] ?? 0) + 1 }))
}
await store.close()
