// The render node's pieces without Blender: its configuration, the Blender command line, reading
// Blender's output, and the sentences it reports failures with.
import t from 'tap'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask } from '../../schemas/generated/types.ts'
import { loadNodeConfig, NodeConfigError, processesShareCores } from '../../node/config.ts'
import { blenderCommand, sessionCommand } from '../../node/blender-args.ts'
import { blenderScript, outsidePathsFile } from '../../node/blender-scripts.ts'
import { BlenderOutput, explainFailure, missingField, missingPieces } from '../../node/blender-output.ts'
import { testFolder } from '../helpers/folders.ts'

function tempDir (t: { teardown: (fn: () => void) => void }): string {
  const dir = testFolder(t, 'node')
  return dir
}

t.test('configuration: checked at start, relative paths from its folder, credential from a file', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'node.json')
  writeFileSync(join(dir, 'secret.txt'), 'rfam_abc\n')
  writeFileSync(file, JSON.stringify({ name: 'pc-01', server: 'http://farm:8080/', credential: 'file:secret.txt', shares: [{ ident: 'data', path: 'mnt/data' }], processes: [2, 2] }))
  const c = loadNodeConfig(file)
  t.equal(c.server, 'http://farm:8080')
  t.equal(c.credential, 'rfam_abc')
  t.equal(c.shares.root('data'), join(dir, 'mnt', 'data'))
  t.same(c.processes, [2, 2])
  t.equal(c.scripting, false, 'scripts in .blend files are off unless asked for')
  t.equal(c.nice, 10)
  t.throws(() => c.shares.resolve('data::../../etc/passwd'), { code: 'RFAM_PATH_OUTSIDE' }, 'nothing resolves outside its share on the node either')

  writeFileSync(file, JSON.stringify({ server: 'x', credential: 'y', shares: [], processes: [], colour: 'red' }))
  const err = t.throws(() => loadNodeConfig(file)) as Error
  t.ok(err instanceof NodeConfigError)
  t.match(err.message, /unknown field "colour"/)
  t.match(err.message, /processes must NOT have fewer than 1 items/)
  t.throws(() => loadNodeConfig(join(dir, 'missing.json')), { message: /no such file/ })
  writeFileSync(file, JSON.stringify({ server: 'x', credential: 'file:nope.txt', shares: [] }))
  t.throws(() => loadNodeConfig(file), { message: /names the file .*nope.txt, which cannot be read/ })
})

const placed = (file: string, output: string) => ({ file, output, project: '/d', outputDir: output.replace(/\/[^/]*$/, ''), outputShown: 'renders/a/' })
const task = (extra: Partial<FarmTask> = {}): FarmTask => ({ job: '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b', tasks: ['t3', 't4'], name: 'Shot', project: 'red', file: 'data::red/a.blend', output: 'data::red/renders/a/####', frames: [3, 5, 7], frameStep: 2, video: false, ...extra })

t.test('the Blender command line', async (t) => {
  const c = blenderCommand(task(), placed('/d/a.blend', '/d/renders/a/####'), { blender: '/opt/blender', threads: 4, scripting: false, nice: 10 })
  t.equal(c.command, 'nice')
  t.same(c.args.slice(0, 3), ['-n', '10', '/opt/blender'])
  const args = c.args.slice(3)
  t.same(args.slice(0, 4), ['--factory-startup', '-Y', '-b', '/d/a.blend'], 'scripts off (-Y) unless the node allows them')
  const at = (flag: string) => args.indexOf(flag)
  t.same(args.slice(4, 6), ['--python', blenderScript('video_setup.py')], 'the set-up first, by path')
  const render = args.length - 4
  t.ok(at('-o') < render && at('-s') < render && at('-e') < render && at('-j') < render && at('-t') < render, 'every option before the render')
  t.same([args[at('-o') + 1], args[at('-s') + 1], args[at('-e') + 1], args[at('-j') + 1], args[at('-t') + 1]], ['/d/renders/a/####', '3', '7', '2', '4'])
  t.same(args.slice(-4, -2), ['--python', blenderScript('video_render.py')], 'consecutive frames in one Blender: -s/-e/-j, then the whole range rendered')
  t.equal(args.at(-2), '--', 'the scripts\' parameters last, where Blender reads no more')
  t.same(JSON.parse(args.at(-1)!), { frames: true, project: '/d', outputDir: '/d/renders/a', outputShown: 'renders/a/', outsidePaths: outsidePathsFile }, 'a frames run (its file missing): a movie file writes images')
  t.match(JSON.parse(blenderCommand(task({ video: true }), placed('/d/a.blend', '/d/renders/a/####'), { blender: 'blender', threads: 0, scripting: false, nice: 0 }).args.at(-1)!), { frames: false }, 'a video job keeps the movie format')
  const scripted = blenderCommand(task(), placed('/d/a.blend', '/o'), { blender: 'blender', threads: 0, scripting: true, nice: 0 })
  t.equal(scripted.command, 'blender')
  t.ok(scripted.args.includes('-y') && !scripted.args.includes('-Y') && !scripted.args.includes('-t'))
  for (const name of ['video_setup.py', 'video_render.py', 'session.py'] as const) t.ok(existsSync(blenderScript(name)), `${name} is there`)
  t.ok(existsSync(outsidePathsFile), 'the add-on\'s path check is there')

  const session = sessionCommand(placed('/d/a.blend', '/d/renders/a/####'), { blender: 'blender', threads: 2, scripting: false, nice: 0 })
  const sat = (flag: string) => session.args.indexOf(flag)
  t.same(session.args.slice(0, 4), ['--factory-startup', '-Y', '-b', '/d/a.blend'], 'a session: scripts off too')
  t.ok(sat('-t') < sat('--python'), 'a session script never returns: threads come before it')
  t.same(session.args.slice(-4, -1), ['--python', blenderScript('session.py'), '--'])
  t.same(JSON.parse(session.args.at(-1)!), { output: '/d/renders/a/####', project: '/d', outputDir: '/d/renders/a', outputShown: 'renders/a/', scripting: false, outsidePaths: outsidePathsFile }, 'the output path is set by the script (again after each load)')
  t.match(JSON.parse(sessionCommand(placed('/d/a.blend', '/o/"quoted" \'x\'/####'), { blender: 'blender', threads: 0, scripting: true, nice: 0 }).args.at(-1)!), { output: '/o/"quoted" \'x\'/####', scripting: true }, 'any path as it is; a file loaded again runs its scripts only where the node allows them')
  const ready = sessionCommand(null, { blender: 'blender', threads: 0, scripting: false, nice: 0 })
  t.same(ready.args.slice(0, 5), ['--factory-startup', '-Y', '-b', '--python', blenderScript('session.py')], 'a Blender started ahead of work: no file yet')
  t.match(JSON.parse(ready.args.at(-1)!), { output: null, project: null }, 'nor an output until a file is loaded')
  t.notOk(session.args.includes('-a'), 'frames are asked for on stdin, not by -a')
})

t.test('reading Blender\'s output', async (t) => {
  const out = new BlenderOutput()
  t.equal(out.line('Blender 3.4.1'), null)
  t.equal(out.line('Fra:3 Mem:12.50M (Peak 40.00M) | Time:00:00.01 | Scene, ViewLayer | Sample 1/4'), null)
  t.equal(out.current, 3)
  out.line('Fra:3 Mem:13.00M (Peak 1.50G) | Time:00:01.00 | Scene, ViewLayer | Finished')
  t.same(out.line('RFAM_WRITTEN 3 1.5000 /d/renders/a/0003.png'), { frame: 3, file: '/d/renders/a/0003.png', seconds: 1.5, memoryMB: 1536 }, 'Blender\'s own timing, the highest peak')
  out.line('Fra:5 Mem:12.00M (Peak 20.00M) | Time:00:00.01')
  t.same(out.line('RFAM_WRITTEN 5 2.5000 /d/renders/a/my frames/0005.png'), { frame: 5, file: '/d/renders/a/my frames/0005.png', seconds: 2.5, memoryMB: 20 }, 'each frame its own peak; paths with spaces')
  out.line('Error: Cannot render, no camera')
  t.same(out.errors, ['Error: Cannot render, no camera'])
  for (let i = 0; i < 100; i++) out.line(`Fra:7 Mem:1M (Peak 1M) | Sample ${i}/100`)
  t.equal(out.tail().split('\n').filter((l) => l.startsWith('Fra:7')).length, 1, 'progress lines fold into their last one')
  for (let i = 0; i < 80; i++) out.line(`line ${i}`)
  t.equal(out.tail().split('\n').length, 50, 'the last 50 lines')
})

t.test('failure sentences', async (t) => {
  const out = new BlenderOutput()
  out.line('Error: Cannot render, no camera')
  t.equal(explainFailure({ exitCode: 1, signal: null, missing: [1], output: out }), 'Blender stopped with exit code 1: Error: Cannot render, no camera')
  const oidn = new BlenderOutput()
  oidn.line('Error: Build without OpenImageDenoiser')
  t.match(explainFailure({ exitCode: 1, signal: null, missing: [1], output: oidn, blenderVersion: '3.4.1' }), /needs OpenImageDenoise .* \(3\.4\.1\) lacks: turn denoising off/)
  t.match(explainFailure({ exitCode: null, signal: 'SIGKILL', missing: [1], output: new BlenderOutput() }), /stopped by SIGKILL \(often: the machine ran out of memory\)/)
  t.equal(explainFailure({ exitCode: 0, signal: null, missing: [4, 5], output: new BlenderOutput() }), 'Blender finished without writing frames 4, 5; the end of its log is below.')
  const refused = new BlenderOutput()
  refused.line('RFAM_REFUSED The farm does not render this file: it uses paths outside its project (image \'wood\' reads /x.png); keep every file it uses inside the project folder.')
  refused.line('Error: Not freed memory blocks: 3')
  t.equal(explainFailure({ exitCode: 1, signal: null, missing: [1], output: refused }), 'The farm does not render this file: it uses paths outside its project (image \'wood\' reads /x.png); keep every file it uses inside the project folder.', 'the path check\'s sentence is the whole message')
})

t.test('the files Blender did not find are read from its output, within the protocol\'s bounds', async (t) => {
  const out = new BlenderOutput()
  t.same(missingField(out), {}, 'nothing missing: nothing sent')
  out.line('RFAM_MISSING [{"kind": "library", "path": "props/cake.blend", "users": ["Cake"]}, {"kind": "image", "path": "textures/wood.png", "users": ["wood.png"]}]')
  t.same(missingField(out), { missing: [{ kind: 'library', path: 'props/cake.blend', users: ['Cake'] }, { kind: 'image', path: 'textures/wood.png', users: ['wood.png'] }] })
  t.same(missingPieces('[{"kind": "rocket", "path": "x"}, {"kind": "font", "path": ""}, {"kind": "font", "path": "f.ttf", "users": "nope"}, 5]'), [{ kind: 'font', path: 'f.ttf', users: [] }], 'unknown kinds, empty paths and junk are left out')
  t.same(missingPieces('not json'), [])
  t.equal(missingPieces(JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ kind: 'file', path: `f${i}`, users: Array(30).fill('x'.repeat(500)) })))).length, 100, 'at most 100')
  t.equal(missingPieces(JSON.stringify([{ kind: 'file', path: 'f', users: Array(30).fill('x'.repeat(500)) }]))[0]!.users.length, 10, 'at most 10 users, each cut short')
  out.line('RFAM_MISSING {"kind": "file"}')
  t.equal(out.missing.length, 2, 'a line that is not a list changes nothing')
})

t.test('processes share the cores when their threads add up to more than the machine has', async (t) => {
  t.equal(processesShareCores([0], 2), false, 'one process never shares')
  t.equal(processesShareCores([0, 0], 2), true, 'two processes using every core each')
  t.equal(processesShareCores([1, 1], 2), false, 'one thread each on two cores')
  t.equal(processesShareCores([2, 2], 8), false, 'four threads on eight cores')
  t.equal(processesShareCores([0, 1], 8), true, 'all eight cores and one more')
})
