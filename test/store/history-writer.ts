// Child process for history-writers.process.test.ts: one "server" writing notes on one asset (and
// changing its priority now and then) through the project store, as fast as it can.
import { openChildStore } from './child-store.ts'

const [configFile, project, path, who, times] = process.argv.slice(2) as [string, string, string, string, string]
const store = await openChildStore(configFile, project)
for (let i = 1; i <= Number(times); i++) {
  await store.history.record(path, [{ by: who, kind: 'note', text: `${who} ${i} ${'x'.repeat(i * 37 % 3000)}` }])
  if (i % 5 === 0) await store.update(path, (meta) => ({ ...meta, priority: (meta.priority + 1) % 5 }), who)
}
await store.close()
