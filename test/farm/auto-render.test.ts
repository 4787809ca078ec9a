// Automatic renders on the real server: changing the .blend of an asset in a state with `render`
// queues a low-priority job of its frames; changing only its sidecar, or an asset in another
// state, does not.
import t from 'tap'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AssetList, JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { waitFor } from '../helpers/wait-for.ts'

t.test('a changed file in a render state gets an automatic render; a sidecar edit does not', async (t) => {
  const s = await startTestServer(t)
  const cookie = await s.login('teacher', 'demo', '1234')
  const list = (await s.app.inject({ url: '/api/projects/demo/assets', headers: { cookie } })).json() as AssetList
  const states = s.app.rfam.workspace.store('demo').defaults().states
  const assets = list.assets.filter((a) => a.file?.exists && a.path.endsWith('.blend') && a.meta)
  const rendering = assets.find((a) => states.get(a.meta!.state)?.render)!
  const quiet = assets.find((a) => !states.get(a.meta!.state)?.render)!
  t.ok(rendering && quiet, `demo assets in both kinds of state (${rendering?.path}, ${quiet?.path})`)
  const jobs = async () => ((await s.app.inject({ url: '/api/projects/demo/jobs', headers: { cookie } })).json() as { jobs: JobView[] }).jobs

  const patch = await s.app.inject({ method: 'PATCH', url: `/api/projects/demo/assets/${rendering.path}`, headers: { cookie }, payload: { description: 'only the sidecar' } })
  t.equal(patch.statusCode, 200)
  appendFileSync(join(s.projectDir(), quiet.path), 'x')
  appendFileSync(join(s.projectDir(), rendering.path), 'x')
  await waitFor(async () => (await jobs()).length > 0, 20_000)
  await new Promise((r) => setTimeout(r, 6000)) // a second job would show up by now
  const all = await jobs()
  t.equal(all.length, 1, 'one automatic job, for the file that changed in a render state')
  t.match(all[0], { auto: true, createdBy: 'auto', path: rendering.path, priority: states.get(rendering.meta!.state)!.renderPriority })
  t.match(all[0]!.name, /\(automatic\)$/)

  appendFileSync(join(s.projectDir(), rendering.path), 'y')
  await waitFor(async () => (await jobs()).some((j) => j.id !== all[0]!.id), 20_000)
  const after = await jobs()
  t.equal(after.length, 1, 'a newer change replaces the unfinished automatic job')
  t.not(after[0]!.id, all[0]!.id)
})
