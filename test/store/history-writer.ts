// Child process for history-writers.process.test.ts: one "server" writing notes on one asset (and
// changing its priority now and then) through the project store, as fast as it can.
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'

const [configFile, project, path, who, times] = process.argv.slice(2) as [string, string, string, string, string]
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
for (let i = 1; i <= Number(times); i++) {
  await store.history.record(path, [{ by: who, kind: 'note', text: `${who} ${i} ${'x'.repeat(i * 37 % 3000)}` }])
  if (i % 5 === 0) await store.update(path, (meta) => ({ ...meta, priority: (meta.priority + 1) % 5 }), who)
}
await store.close()
