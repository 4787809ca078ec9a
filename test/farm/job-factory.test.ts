// Job creation: frames, chunks, video, one-frame jobs, reversed ranges, paths, spread order.
import t from 'tap'
import { existsSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { createJob, defaultOutput, insideProject, projectPaths } from '../../server/farm/job-factory.ts'
import { Shares } from '../../common/named-paths.ts'
import { frameList, spreadOrder, chunk, MAX_FRAMES_PER_JOB } from '../../server/farm/frames.ts'
import { validator } from '../../schemas/validator.ts'
import type { JobCreate } from '../../schemas/generated/types.ts'

const make = (body: Partial<JobCreate>, extra: Record<string, unknown> = {}) => createJob({
  id: '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b',
  now: 0,
  project: 'red',
  projectDir: 'data::red',
  body: { file: 'shots/cake.blend', frameStart: 1, frameEnd: 6, ...body },
  ...extra,
})

t.test('bad ranges are refused with a 400 that says what to do', async (t) => {
  t.throws(() => frameList(5, 3), { statusCode: 400, message: 'The last frame (3) comes before the first frame (5); swap them.' })
  t.throws(() => frameList(1, 3, 0), { statusCode: 400, message: /at least 1/ })
  t.throws(() => frameList(1, MAX_FRAMES_PER_JOB + 1), { statusCode: 400, message: /at most/ })
  t.throws(() => make({ frameStart: 10, frameEnd: 1 }), { statusCode: 400, code: 'RFAM_BAD_FRAMES' })
  t.throws(() => chunk([1], 0), { statusCode: 400, code: 'RFAM_BAD_CHUNK' })
})

t.test('frames, steps and chunks', async (t) => {
  t.same(frameList(1, 10, 4), [1, 5, 9])
  t.same(frameList(-2, 1), [-2, -1, 0, 1])
  const j = make({ frameEnd: 7, chunkSize: 3 })
  t.same(j.tasks.map((x) => x.frames), [[1, 2, 3], [4, 5, 6], [7]])
  t.same(j.tasks.map((x) => x.id), ['t1', 't2', 't3'])
  t.equal(validator().check('job.schema.json', structuredClone(j)), null, 'a valid job file')
  const stepped = make({ frameStart: 1, frameEnd: 10, frameStep: 4 })
  t.equal(stepped.frameEnd, 9, 'the last frame actually rendered')
})

t.test('a one-frame job is one task of one frame (the original rendered it twice)', async (t) => {
  const j = make({ frameStart: 3, frameEnd: 3 })
  t.same(j.tasks.map((x) => x.frames), [[3]])
})

t.test('a video is one task of the whole range', async (t) => {
  const j = make({ video: true, frameEnd: 48, chunkSize: 5 })
  t.equal(j.tasks.length, 1)
  t.equal(j.tasks[0]!.frames.length, 48)
  t.equal(j.chunkSize, 48)
})

t.test('paths stay inside the project', async (t) => {
  t.equal(insideProject('data::red', 'shots/a.blend'), 'data::red/shots/a.blend')
  t.equal(insideProject('data::', 'a.blend'), 'data::a.blend')
  t.equal(insideProject('data::red/', 'a.blend'), 'data::red/a.blend')
  const j = make({})
  t.equal(j.file, 'data::red/shots/cake.blend')
  t.equal(j.output, 'data::red/renders/shots/cake/####', 'default output: renders/<its path without .blend>/####')
  t.equal(make({ file: 'cake.blend' }).output, 'data::red/renders/cake/####', 'a file at the top: renders/<file name>/####, as always')
  t.equal(defaultOutput('sam/tests/Startup.BLEND'), 'renders/sam/tests/Startup/####')
  t.equal(make({ output: 'renders/v2/f_##' }).output, 'data::red/renders/v2/f_##')
  t.throws(() => make({ file: '../blue/x.blend' }), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE' })
  t.throws(() => make({ file: '/etc/x.blend' }), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE' })
  t.throws(() => make({ file: 'notes.txt' }), { statusCode: 400, message: /not a .blend file/ })
  t.throws(() => make({ output: '../../x/####' }), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE' })
})

t.test('defaults and options', async (t) => {
  const j = make({}, { defaultName: 'Cake shot', defaultPriority: 7, spread: true, createdBy: 'tom', asset: 'shots/cake.blend' })
  t.equal(j.name, 'Cake shot')
  t.equal(j.priority, 7)
  t.equal(j.spread, true)
  t.equal(j.createdBy, 'tom')
  t.equal(j.asset, 'shots/cake.blend')
  t.equal(j.status, 'queued')
  const p = make({ paused: true, name: 'Mine', priority: 1, requires: ['gpu'] })
  t.equal(p.status, 'paused')
  t.equal(p.name, 'Mine')
  t.same(p.requires, ['gpu'])
})

t.test('spread order: first, last, then midpoints (the original order)', async (t) => {
  t.same(spreadOrder(8).map((i) => i + 1), [1, 8, 5, 2, 3, 4, 6, 7])
  t.same(spreadOrder(20).map((i) => i + 1), [1, 20, 11, 6, 16, 4, 9, 14, 17, 18, 19, 2, 3, 5, 7, 8, 10, 12, 13, 15])
  t.same(spreadOrder(1), [0])
  t.same(spreadOrder(2), [0, 1])
  t.same(spreadOrder(0), [])
  for (const n of [3, 5, 17, 100, 1001]) t.same([...spreadOrder(n)].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `${n}: every index once`)
})

t.test('job paths are checked against the project, not merely the share', async (t) => {
  const dir = t.testdir({ share: { red: { shots: { 'a.blend': 'red' } }, blue: { 'secret.blend': 'blue', renders: {} } }, outside: {} })
  const share = join(dir, 'share')
  const red = join(share, 'red')
  symlinkSync(join(share, 'blue', 'secret.blend'), join(red, 'shots', 'secret.blend'))
  symlinkSync(join(share, 'blue'), join(red, 'blue'))
  symlinkSync(join(red, 'shots', 'a.blend'), join(red, 'again.blend'))
  symlinkSync(join(red, 'shots'), join(red, 'mirror'))
  symlinkSync(join(dir, 'outside', 'renders'), join(red, 'renders'))
  const shares = new Shares(new Map([['data', share]]))
  const paths = projectPaths((named) => shares.resolve(named), 'data::red')
  t.equal(paths.file('shots/a.blend'), join(red, 'shots', 'a.blend'))
  t.equal(paths.file('again.blend'), join(red, 'again.blend'), 'a link to another file of the project renders')
  t.throws(() => paths.file('shots/secret.blend'), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE', message: /^The file "shots\/secret\.blend" is a link leading out of the project\./ })
  t.throws(() => paths.file('blue/secret.blend'), { name: 'PathRefused', message: /goes through the link "blue", which leads out of the project/ })
  t.equal(paths.output('data::red/out/shot/####'), join(red, 'out', 'shot', '####'))
  t.throws(() => paths.output('data::red/blue/renders/####'), { name: 'PathRefused', code: 'RFAM_PATH_OUTSIDE', message: /The output "blue\/renders\/####" goes through the link "blue"/ })
  t.throws(() => paths.output('data::red/renders/x/####'), { name: 'PathRefused', message: /link "renders", which leads out of the project/ }, 'a dangling link out of the share')
  t.throws(() => paths.output('data::red/mirror/####'), { name: 'PathRefused', code: 'RFAM_PATH_LINK' }, 'frames are not written through a link that stays inside either')
  t.throws(() => paths.output('data::blue/renders/####'), { statusCode: 400, message: /is not inside the project/ })
  t.throws(() => paths.read('data::red/blue/secret.blend', 'frame'), { name: 'PathRefused', message: /The frame "blue\/secret\.blend" goes through the link "blue"/ }, 'a preview is not made of another project\'s picture')
  t.notOk(existsSync(join(dir, 'outside', 'renders')), 'nothing was made outside')
})
