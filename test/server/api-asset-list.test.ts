// GET /api/projects/:project/assets sends a summary of each asset (api-asset-summary.schema.json):
// exactly the list's fields of what GET of the one asset sends, in the same order as before.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { AssetList, AssetView } from '../../schemas/generated/types.ts'
import { schemaDir } from '../../schemas/load.ts'
import { validator } from '../../schemas/validator.ts'
import { summaryOf } from '../../server/store/asset-views.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'

const api = '/api/projects/demo'

t.test('the list holds each asset as the summary of its full view, broken ones included', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  writeFileSync(join(s.projectDir(), 'props', 'cake.blend.json'), '{ "name": "Cake", ')
  const store = s.app.rfam.workspace.store('demo')
  const shot = store.views().list.find((v) => v.meta?.name === 'Shot 020 Heist')!.path
  const patched = await s.app.inject({ method: 'PATCH', url: `${api}/assets/${shot}`, headers: { cookie }, payload: { frameStart: 5, frameEnd: 9, rating: 3, pipeline: 'ready' } })
  t.equal(patched.statusCode, 200, 'the shot gets a frame range, rating and stage')
  await store.index.refresh('props/cake.blend')

  const res = await s.app.inject({ url: `${api}/assets`, headers: { cookie } })
  const list = res.json() as AssetList
  t.equal(validator().check('api-asset-list.schema.json', list), null, 'the reply matches api-asset-list.schema.json')
  t.ok(list.assets.length >= 8, `the demo assets are listed (${list.assets.length})`)
  for (const item of list.assets) {
    const view = (await s.app.inject({ url: `${api}/assets/${item.path}`, headers: { cookie } })).json() as AssetView
    t.same(item, summaryOf(view), `${item.path}: the summary of its view`)
  }
  t.match(list.assets.find((a) => a.path === 'props/cake.blend'), { broken: /not valid JSON/, file: { exists: true } })
  t.notOk(list.assets.find((a) => a.path === 'props/cake.blend')?.meta, 'a broken asset has no meta')
  t.match(list.assets.find((a) => a.path === shot)?.meta, { frameStart: 5, frameEnd: 9, rating: 3, pipeline: 'ready' })
  t.notOk(list.assets.some((a) => 'dependencies' in a || 'description' in (a.meta ?? {})), 'nothing beyond the summary')
  const order = list.assets.map((a) => [a.truePriority, a.meta?.name ?? a.path] as const)
  const sorted = [...order].sort((a, b) => b[0] - a[0] || a[1].localeCompare(b[1]))
  t.same(order, sorted, 'highest true priority first, then by name')

  const zipped = await s.app.inject({ url: `${api}/assets`, headers: { cookie, 'accept-encoding': 'gzip' } })
  t.equal(zipped.headers['content-encoding'], 'gzip')
  t.same(JSON.parse(gunzipSync(zipped.rawPayload).toString()), list, 'the gzip reply is the same list')
})

t.test('the summary copies every field the summary schema lists, and only those', async (t) => {
  const schema = JSON.parse(readFileSync(join(schemaDir, 'api-asset-summary.schema.json'), 'utf8'))
  const view: AssetView = {
    path: 'shots/s01.blend',
    truePriority: 5,
    file: { exists: true, size: 10, modified: '2025-01-01T00:00:00.000Z' },
    dependencies: ['sets/a.blend'],
    dependents: [],
    meta: {
      name: 'S01',
      description: 'd',
      type: 'shot',
      creator: 'mia',
      created: '2025-01-01T00:00:00.000Z',
      owner: 'mia',
      support: ['leo'],
      state: 'ns',
      priority: 3,
      render: true,
      video: false,
      dependencies: ['sets/a.blend'],
      rating: 2,
      pipeline: 'ready',
      frameStart: 1,
      frameEnd: 9,
      renderStats: { frames: {}, video: [] },
    },
  }
  const summary = summaryOf(view)
  t.same(Object.keys(summary.meta!).sort(), Object.keys(schema.$defs.AssetSummaryMeta.properties).sort())
  t.equal(validator().check('api-asset-summary.schema.json', summary), null)
})
