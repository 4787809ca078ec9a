// Renders never overwrite each other: every file renders into a folder of its own (renders/ plus its
// path in the project), and a job whose output folder an unfinished job uses for another file is
// refused with a sentence naming that job.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

t.test('three startup.blend render into three folders', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  for (const folder of ['', 'mia', 'sam/tests']) {
    mkdirSync(join(s.projectDir(), folder), { recursive: true })
    writeFileSync(join(s.projectDir(), folder, 'startup.blend'), TINY_BLEND)
  }
  const post = (payload: object) => s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload })
  const outputs: string[] = []
  for (const file of ['startup.blend', 'mia/startup.blend', 'sam/tests/startup.blend']) {
    const res = await post({ file, frameStart: 1, frameEnd: 3 })
    t.equal(res.statusCode, 201, `${file}: sent while the others are unfinished (${res.body})`)
    outputs.push(res.json().output)
  }
  t.same(outputs, ['data::demo/renders/startup/####', 'data::demo/renders/mia/startup/####', 'data::demo/renders/sam/tests/startup/####'],
    'a file at the top keeps renders/<name>/; one in a folder gets renders/<folder>/<name>/')
  t.match((await post({ file: 'shots/shot_010_intro.blend', frameStart: 1, frameEnd: 1 })).json(), { output: 'data::demo/renders/shots/shot_010_intro/####' })
})

t.test('an output folder an unfinished job uses is refused, saying which job', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  mkdirSync(join(s.projectDir(), 'mia'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'mia', 'startup.blend'), TINY_BLEND)
  writeFileSync(join(s.projectDir(), 'startup.blend'), TINY_BLEND)
  const post = (payload: object) => s.app.inject({ method: 'POST', url: '/api/projects/demo/jobs', headers: { cookie }, payload })
  const first = (await post({ file: 'startup.blend', frameStart: 1, frameEnd: 10, name: 'Alex test' })).json()
  t.equal(first.output, 'data::demo/renders/startup/####')

  const clash = await post({ file: 'mia/startup.blend', frameStart: 1, frameEnd: 10, output: 'renders/startup/####' })
  t.equal(clash.statusCode, 409)
  t.match(clash.json(), {
    code: 'RFAM_OUTPUT_IN_USE',
    message: 'The output folder renders/startup/ is in use by the unfinished job "Alex test" (queued), which renders startup.blend there: the two files\' frames would overwrite each other. Wait until it has finished, cancel it, or give this job another output folder.',
  })
  const more = await post({ file: 'startup.blend', frameStart: 5, frameEnd: 20 })
  t.equal(more.statusCode, 201, 'the same file may render into its folder again: its frames are that file\'s')
  t.equal(s.app.farm.listJobs('demo').length, 2, 'nothing was made of the refused ones')

  for (const id of [first.id, more.json().id]) await s.app.inject({ method: 'PATCH', url: `/api/projects/demo/jobs/${id}`, headers: { cookie }, payload: { action: 'cancel' } })
  t.equal((await post({ file: 'mia/startup.blend', frameStart: 1, frameEnd: 10, output: 'renders/startup/####' })).statusCode, 201, 'once the jobs there have finished (here: cancelled), the folder is free')
})
