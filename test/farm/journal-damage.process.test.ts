// Journal lines a start cannot read are never silent, and their frames are checked on disk before
// anything is rendered again (issue 16, items 1 and 4): a real server process killed (SIGKILL)
// after a node's reports were acknowledged, its journal then damaged in the middle (one line with
// its job still readable, one without) and torn at the end (a report whose write the kill cut off),
// then started again. The frames of those lines are on disk: they count, nothing is rendered twice,
// no run fails with "Blender finished without writing frames 2, 7", and staff see what happened.
import t from 'tap'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask, JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { FarmCredentialStore } from '../../server/farm/credentials.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { call, startServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { testRoot } from '../helpers/folders.ts'
import { logMatches } from '../helpers/logs.ts'

const pad = (frame: number) => String(frame).padStart(4, '0')
const NODE = 'pc-01'

t.test('damaged and torn journal lines: reported, their frames found on disk, nothing rendered twice', async (t) => {
  const dir = testRoot(t)
  const configFile = writeTestConfig(dir, { logLevel: 'warn' })
  const config = loadConfig(configFile)
  const secret = await new FarmCredentialStore(config.secretsDir).create('test')
  const renders = join(config.shares.resolve('data::demo'), 'renders', 'props', 'cake')
  const rendered = new Map<number, number>()
  const render = (frames: number[]) => {
    mkdirSync(renders, { recursive: true })
    for (const f of frames) {
      writeFileSync(join(renders, `${pad(f)}.png`), 'PNG')
      rendered.set(f, (rendered.get(f) ?? 0) + 1)
    }
    return frames.map((frame) => ({ frame, seconds: 2, memoryMB: 20, file: `${pad(frame)}.png` }))
  }

  let server = await startServerProcess(configFile, { t })
  let token = (await logIn(server, 'mia')).token
  const hello = async (running: FarmTask[]) => (await call(server, 'POST', '/api/farm/hello', secret, {
    name: NODE, version: '0.1.0', provides: [], shares: ['data'], processes: 1, sandbox: { kind: 'bubblewrap' }, running: running.map((r) => ({ job: r.job, tasks: r.tasks })),
  })).body.session as string
  let session = await hello([])
  const send = (path: string, body: object) => call(server, 'POST', `/api/farm/${path}`, secret, { node: NODE, session, ...body })
  const job = (await call(server, 'POST', '/api/projects/demo/jobs', token, { file: 'props/cake.blend', frameStart: 1, frameEnd: 10 })).body as JobView
  const run = ((await send('work', { free: 1, running: [], wait: false })).body.runs as FarmTask[])[0]!
  t.equal(run.frames.length, 10)
  for (const frames of [[1], [2], [3, 4, 5, 6], [7]]) t.equal((await send('report', { job: job.id, tasks: run.tasks, frames: render(frames) })).status, 200, `frames ${frames.join(', ')} acknowledged`)
  render([8]) // written; its report is the write the kill cuts off (the node never got an answer)
  await server.kill()

  // Frame 2's line damaged in the middle, frame 7's at its start (its job unreadable); a torn last line.
  const journal = join(config.farmDir, 'journal')
  const file = join(journal, readdirSync(journal).filter((n) => n.endsWith('.ndjson')).sort((a, b) => parseInt(a) - parseInt(b)).at(-1)!)
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  const lineOf = (frame: number) => lines.findIndex((l) => l.includes(`"framesDone":[${frame}]`))
  const two = lineOf(2)
  const seven = lineOf(7)
  t.ok(two >= 0 && seven >= 0, 'the lines of frames 2 and 7 are in the journal')
  const torn = lines[seven]!.replaceAll('[7]', '[8]')
  lines[two] = lines[two]!.slice(0, 80) + '\u0000\u0000garbage' + lines[two]!.slice(90)
  lines[seven] = '#' + lines[seven]!.slice(8)
  writeFileSync(file, lines.join('\n') + '\n' + torn.slice(0, Math.floor(torn.length / 2)))

  server = await startServerProcess(configFile, { t })
  token = (await logIn(server, 'mia')).token
  const logged = server.logs.find((e) => logMatches(e, { level: 'warn', msg: 'damaged file', kind: 'farm', file: /^farm\/journal\/\d+\.ndjson$/ }))
  t.ok(logged, 'the log names the journal file')
  t.match(logged?.reason, `Lines ${two + 1}, ${seven + 1} cannot be read (damaged) and were skipped`, 'the log says which lines cannot be read')
  t.match(logged?.reason, `its last line (${lines.length + 1}) was cut off`, 'and that the last one was cut off')
  const staff = (await logIn(server, 'teacher', { secret: '1234' })).token
  const problems = (await call(server, 'GET', '/api/problems', staff)).body.problems as Array<{ kind: string, file: string, reason: string }>
  const farm = problems.filter((p) => p.kind === 'farm')
  t.equal(farm.length, 1, 'the journal file is in the problems list')
  t.match(farm[0], { file: /^farm\/journal\/\d+\.ndjson$/, reason: /frames of every job were checked against the files on disk: 3 frames were found there and counted \("Cake" 2, 7, 8\)/ })
  let view = (await call(server, 'GET', `/api/projects/demo/jobs/${job.id}`, token)).body as JobView
  t.match(view, { counts: { done: 8 } }, 'frames 1–8 count: 2 and 7 (lines damaged) and 8 (line torn) were found on disk')

  // The node comes back with its run, and ends it: Blender wrote 8 (not acknowledged), 9 and 10.
  session = await hello([run])
  const done = await send('done', { job: job.id, tasks: run.tasks, frames: render([9, 10]).concat([{ frame: 8, seconds: 2, memoryMB: 20, file: `${pad(8)}.png` }]), seconds: 30, free: 1 })
  t.equal(done.status, 200)
  t.notOk(done.body.runs?.length, 'nothing is handed out again')
  view = (await call(server, 'GET', `/api/projects/demo/jobs/${job.id}?tasks=1`, token)).body as JobView
  t.match(view, { status: 'completed', errors: 0, counts: { done: 10 } }, 'the job is complete; no run failed')
  t.notOk(JSON.stringify(view).includes('Blender finished without writing'), 'no "Blender finished without writing frames 2, 7"')
  const twice = [...rendered].filter(([, n]) => n > 1).map(([f]) => f)
  t.same(twice, [], 'no frame was rendered twice')
})
