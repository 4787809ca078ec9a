// On a real project folder, through the store: random edits (priority, state, name, dependencies
// added and removed, dangling ones included), new assets (some where others already expect them),
// deletions, renames and broken sidecars made on disk by another tool, and a change of the defaults
// set. After each, the store's views equal those built from scratch, and an edit's answer is its view.
import t from 'tap'
import { renameSync, writeFileSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { AssetView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { buildViews } from '../../server/store/asset-views.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { testFolder } from '../helpers/folders.ts'

function random (seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

for (const seed of [1, 2]) {
  t.test(`seed ${seed}: after every change the views are those built from scratch`, async (t) => {
    const dir = testFolder(t, 'live-views')
    const config = loadConfig(writeTestConfig(dir))
    const sets = loadConfiguredDefaultsSets(config)
    const root = join(dir, 'project')
    const store = new ProjectStore({ ident: 'p', root, rescanSeconds: 0, watch: false, defaultsSets: sets, defaultSet: config.defaultSet, members: () => ['mia', 'leo'] })
    t.teardown(() => store.close())
    await store.start()

    const rnd = random(seed)
    const int = (n: number) => Math.floor(rnd() * n)
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
    const names = ['Cake', 'Hero', 'Tree', 'Lamp'] // few names: many ties in the list's order
    const types = ['prop', 'shot', 'char', 'other']
    const ghosts = ['props/ghost_1.blend', 'props/ghost_2.blend', 'other/ghost_3'] // listed before they exist
    let made = 0
    const createAt = (path: string) => store.create({ name: pick(names), type: path.startsWith('other/') ? 'other' : 'prop', path }, 'mia')
    for (let i = 0; i < 12; i++) await store.create({ name: `${pick(names)} ${++made}`, type: pick(types) }, 'mia')

    const check = (what: string, answer?: AssetView): boolean => {
      const got = store.views()
      const want = buildViews(store.index.version, store.index.entries, store.links, store.defaults(), store.pictures)
      const same = JSON.stringify(got.list) === JSON.stringify(want.list) && got.etag === want.etag && got.listJson.raw.equals(want.listJson.raw) &&
        got.byPath.size === want.byPath.size && (!answer || JSON.stringify(answer) === JSON.stringify(want.byPath.get(answer.path)))
      if (same) return true
      t.strictSame(got.list, want.list, `${what}: the list`)
      t.equal(got.listJson.raw.toString(), want.listJson.raw.toString(), `${what}: the list JSON`)
      if (answer) t.strictSame(answer, want.byPath.get(answer.path), `${what}: the answer`)
      return false
    }

    let steps = 0
    for (; steps < 150; steps++) {
      const assets = [...store.views().byPath.values()]
      const healthy = assets.filter((v) => v.meta)
      const view = pick(healthy)
      const kind = int(11)
      let what = `step ${steps}`
      let answer: AssetView | undefined
      if (kind === 0) { answer = await store.update(view.path, { priority: int(101) }); what += ` priority of ${view.path}` }
      if (kind === 1) {
        const states = store.defaults().types.get(view.meta!.type)!.states
        answer = await store.update(view.path, { state: pick(states) }); what += ` state of ${view.path}`
      }
      if (kind === 2) { answer = await store.update(view.path, { name: pick(names) }); what += ` name of ${view.path}` }
      if (kind === 3 || kind === 4) {
        const d = rnd() < 0.2 ? pick(ghosts) : pick(assets).path
        answer = await store.update(view.path, { dependencies: [...new Set([...view.meta!.dependencies ?? [], d])] }); what += ` ${view.path} depends on ${d}`
      }
      if (kind === 5) { answer = await store.update(view.path, { dependencies: (view.meta!.dependencies ?? []).filter(() => rnd() < 0.5) }); what += ` fewer dependencies of ${view.path}` }
      if (kind === 6) {
        const ghost = pick(ghosts)
        if (store.views().byPath.has(ghost)) { await store.delete(ghost); what += ` delete ${ghost}` } else { answer = await createAt(ghost); what += ` create ${ghost}` }
      }
      if (kind === 7) { answer = await store.create({ name: `${pick(names)} ${++made}`, type: pick(types) }, 'mia'); what += ` create ${answer.path}` }
      if (kind === 8 && healthy.length > 8) { await store.delete(view.path); what += ` delete ${view.path}` }
      if (kind === 9) {
        // Another tool renames the asset on disk (file and sidecar); whoever listed it keeps the old path.
        const to = view.path.replace(/([^/]*?)(\.blend)?$/, `$1_r${steps}$2`)
        if (view.file?.exists) renameSync(join(root, view.path), join(root, to))
        renameSync(join(root, view.path + '.json'), join(root, to + '.json'))
        await store.index.refresh(view.path)
        await store.index.refresh(to)
        what += ` rename ${view.path} to ${to}`
      }
      if (kind === 10) {
        const broken = assets.find((v) => v.broken && !v.meta)
        if (broken && rnd() < 0.7) {
          // Mended by hand: the last good content back.
          writeFileSync(join(root, broken.path + '.json'), readFileSync(join(dirname(root), 'good.json')))
          await store.index.refresh(broken.path)
          what += ` mend ${broken.path}`
        } else if (rnd() < 0.3) {
          const other = pick([...sets.keys()].filter((s) => s !== store.defaults().name))
          await store.updateFile({ defaults: other })
          what += ` defaults set ${other}`
        } else {
          writeFileSync(join(dirname(root), 'good.json'), readFileSync(join(root, view.path + '.json')))
          writeFileSync(join(root, view.path + '.json'), '{ "name": "half a file", ')
          await store.index.refresh(view.path)
          what += ` break ${view.path}`
        }
      }
      if (!check(what, answer)) break
    }
    t.equal(steps, 150, `${steps} changes, each followed by the same views as from scratch`)
  })
}
