// Which file is a frame's (Blender's naming), and the check on disk: there, a file, not empty,
// written after the task was handed out (with a few seconds for clocks that differ).
import t from 'tap'
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Job, Task } from '../../schemas/generated/types.ts'
import { CLOCK_SKEW_MS, FrameFiles, frameStem, isFileOf, isMovieOf } from '../../server/farm/frame-files.ts'
import { testFolder } from '../helpers/folders.ts'

t.test('frame file names as Blender writes them', async (t) => {
  t.equal(frameStem('data::p/renders/a/####', 7), '0007')
  t.equal(frameStem('data::p/renders/a/shot_##', 7), 'shot_07')
  t.equal(frameStem('data::p/renders/a/shot_##', 1234), 'shot_1234', 'wider numbers are not cut')
  t.equal(frameStem('data::p/renders/a/####', -3), '-0003', 'the sign goes in front')
  t.equal(frameStem('data::p/renders/a/shot', 5), 'shot0005', 'no # : four digits appended')
  t.equal(frameStem('data::p/re##ders/a/v##_take_###', 5), 'v##_take_005', 'the last run of # in the file name')
  // A file on disk, the stem Blender names a frame's file with, whether the file is that frame's, and why.
  const files: Array<[file: string, stem: string, isIt: boolean, why?: string]> = [
    ['0007.png', '0007', true],
    ['0007.exr', '0007', true],
    ['shot_0007.png', 'shot_0007.png', true, 'the pattern had the extension already'],
    ['shot_0007.png', 'shot_0007.jpg', true, 'another image extension replaced'],
    ['shot.0007.png', 'shot.0007', true, 'a dot before the number is not an extension'],
    ['0006.png', '0007', false, 'another frame'],
    ['00070.png', '0007', false],
    ['0007.png.bak', '0007', false],
    ['0007_x.png', '0007', false],
    ['0007_L.png', '0007', true, 'stereo saved as one file per eye'],
    ['0007_R.exr', '0007', true, 'stereo saved as one file per eye'],
    ['0007_LR.png', '0007', false],
    ['0007_L', '0007', false, 'no extension'],
    ['0007.', '0007', false],
  ]
  for (const [file, stem, isIt, why] of files) {
    t.equal(isFileOf(file, stem), isIt, `${file} ${isIt ? 'is' : 'is not'} the file of ${stem}${why ? `: ${why}` : ''}`)
  }
})

t.test('a video\'s movie: named for the range of its run', async (t) => {
  const task = { id: 't1', frames: [1, 2, 3, 4], status: 'active', attempts: 1 } as Task
  t.ok(isMovieOf('0001-0004.mp4', 'data::p/renders/film/####', task))
  t.ok(isMovieOf('0003-0004.mkv', 'data::p/renders/film/####', task), 'a run sent again from a later frame')
  t.ok(isMovieOf('film_01-04.mov', 'data::p/renders/film_##', task))
  t.ok(isMovieOf('film0001-0004.avi', 'data::p/renders/film', task), 'no # : four digits')
  t.ok(isMovieOf('film.mp4', 'data::p/renders/film.mp4', task), 'a pattern ending in the container\'s extension is kept as it is')
  t.notOk(isMovieOf('0001-0003.mp4', 'data::p/renders/film/####', task), 'not its last frame')
  t.notOk(isMovieOf('0005-0004.mp4', 'data::p/renders/film/####', task), 'not one of its frames')
  t.notOk(isMovieOf('1-0004.mp4', 'data::p/renders/film/####', task), 'not padded as Blender pads')
  t.notOk(isMovieOf('0001.png', 'data::p/renders/film/####', task))
  t.notOk(isMovieOf('0001-0004.mp4.part', 'data::p/renders/film/####', task))
})

t.test('the check on disk', async (t) => {
  const dir = testFolder(t, 'frames')
  const out = join(dir, 'renders', 'a')
  mkdirSync(out, { recursive: true })
  const assigned = Date.now() - 60_000
  const task: Task = { id: 't1', frames: [1, 2, 3, 4, 5, 6, 7], status: 'active', node: 'pc-a', attempts: 1, assignedAt: new Date(assigned).toISOString() }
  const job = { id: 'j', project: 'p', file: 'data::p/a.blend', output: 'data::p/renders/a/####', video: false, tasks: [task] } as unknown as Job
  let resolved = 0
  const files = new FrameFiles((named) => { resolved++; return join(dir, named.slice('data::p/'.length)) }, (_job, named) => named.slice('data::p/'.length))
  const at = (name: string, ms: number) => utimesSync(join(out, name), new Date(ms), new Date(ms))
  writeFileSync(join(out, '0001.png'), 'PNG')
  writeFileSync(join(out, '0002.png'), '')
  writeFileSync(join(out, '0003.png'), 'PNG')
  at('0003.png', assigned - CLOCK_SKEW_MS - 10_000)
  writeFileSync(join(out, '0004.png'), 'PNG')
  at('0004.png', assigned - CLOCK_SKEW_MS + 1000)
  symlinkSync(join(out, '0001.png'), join(out, '0005.png'))
  mkdirSync(join(out, '0006.png'))
  const check = await files.check(job, () => task, [1, 2, 3, 4, 5, 6, 7].map((frame) => ({ frame, seconds: 1, file: `000${frame}.png` })))
  t.same(check.counted.map((f) => f.frame), [1, 4], 'a written frame, and one a little older than the task (clocks differ)')
  t.same(check.refused, [
    { frame: 2, why: 'renders/a/0002.png is empty' },
    { frame: 3, why: 'renders/a/0003.png is older than the task (written 15 s before it was handed out; if it was just rendered, set the clocks of the server, the nodes and the file server right: NTP)' },
    { frame: 5, why: 'renders/a/0005.png is not a file' },
    { frame: 6, why: 'renders/a/0006.png is not a file' },
    { frame: 7, why: 'renders/a/0007.png does not exist' },
  ])
  const named = await files.check(job, () => task, [{ frame: 1, seconds: 1 }, { frame: 1, seconds: 1, file: '0002.png' }])
  t.match(named.refused, [{ frame: 1, why: /did not name frame 1's file .*update it/ }, { frame: 1, why: '"0002.png" is not the file of frame 1' }])
  t.equal(resolved, 1, 'the output folder is resolved once per job')
  t.same(await files.check(job, () => task, []), { counted: [], refused: [] })
})
