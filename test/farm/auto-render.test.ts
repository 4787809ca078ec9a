// Automatic renders on the real server: changing the .blend of an asset in a state with `render`
// queues a low-priority job of its frames; changing only its sidecar, or an asset in another
// state, does not.
import t from 'tap'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AssetList, JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { logIn } from '../helpers/login.ts'
import { ManualClock } from '../../server/farm/clock.ts'
import { AUTO_RENDER_QUIET_MS } from '../../server/farm/auto-render.ts'

t.test('a changed file in a render state gets an automatic render; a sidecar edit does not', async (t) => {
  // The farm's clock stands still: the quiet time before an automatic render passes when the test says.
  const clock = new ManualClock()
  const s = await startTestServer(t, { farmClock: clock })
  const { cookie } = await logIn(s, 'teacher', { secret: '1234' })
  const list = (await s.app.inject({ url: '/api/projects/demo/assets', headers: { cookie } })).json() as AssetList
  const store = s.app.rfam.workspace.store('demo')
  const states = store.defaults().states
  const assets = list.assets.filter((a) => a.file?.exists && a.path.endsWith('.blend') && a.meta)
  const rendering = assets.find((a) => states.get(a.meta!.state)?.render)!
  const quiet = assets.find((a) => !states.get(a.meta!.state)?.render)!
  t.ok(rendering && quiet, `demo assets in both kinds of state (${rendering?.path}, ${quiet?.path})`)
  const jobs = async () => ((await s.app.inject({ url: '/api/projects/demo/jobs', headers: { cookie } })).json() as { jobs: JobView[] }).jobs
  // Every job the farm is asked to make, counted as it is asked (an automatic render asks at once).
  const createJob = s.app.farm.createJob.bind(s.app.farm)
  let asked = 0
  t.capture(s.app.farm, 'createJob', (...args: Parameters<typeof createJob>) => { asked++; return createJob(...args) })
  const modified = (path: string) => store.get(path).file?.modified

  const patch = await s.app.inject({ method: 'PATCH', url: `/api/projects/demo/assets/${rendering.path}`, headers: { cookie }, payload: { description: 'only the sidecar' } })
  t.equal(patch.statusCode, 200)
  const before = { quiet: modified(quiet.path), rendering: modified(rendering.path) }
  appendFileSync(join(s.projectDir(), quiet.path), 'x')
  appendFileSync(join(s.projectDir(), rendering.path), 'x')
  // Both changes seen by the server (its file watching), then the quiet time passed: every automatic
  // render that these three changes start is asked for by now.
  await until('both files\' changes seen', () => modified(quiet.path) !== before.quiet && modified(rendering.path) !== before.rendering, { timeoutMs: 20_000 })
  clock.advance(AUTO_RENDER_QUIET_MS)
  await until('an automatic job', async () => (await jobs()).length > 0, { timeoutMs: 20_000 })
  const all = await jobs()
  t.same({ jobs: all.length, asked }, { jobs: 1, asked: 1 }, 'one automatic job, for the file that changed in a render state')
  t.match(all[0], { auto: true, createdBy: 'auto', path: rendering.path, priority: states.get(rendering.meta!.state)!.renderPriority })
  t.match(all[0]!.name, /\(automatic\)$/)

  const again = modified(rendering.path)
  appendFileSync(join(s.projectDir(), rendering.path), 'y')
  await until('the new change seen', () => modified(rendering.path) !== again, { timeoutMs: 20_000 })
  clock.advance(AUTO_RENDER_QUIET_MS)
  await until('a newer automatic job', async () => (await jobs()).some((j) => j.id !== all[0]!.id), { timeoutMs: 20_000 })
  const after = await jobs()
  t.equal(after.length, 1, 'a newer change replaces the unfinished automatic job')
  t.not(after[0]!.id, all[0]!.id)
})
