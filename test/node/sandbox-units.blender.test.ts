// The sandbox's command line (an allow-list: what is mounted, how, and nothing of the node), the
// start-up probe (a bwrap that works, one that fails, none at all), and the checks of a run's
// files before Blender starts (links out of the project refused, the output folder made).
import t from 'tap'
import { mkdirSync, symlinkSync, writeFileSync, existsSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import type { FarmTask } from '../../schemas/generated/types.ts'
import { Shares } from '../../common/named-paths.ts'
import { placeOfRun, PlaceRefused } from '../../node/job-place.ts'
import { findExecutable, Sandbox } from '../../node/sandbox.ts'
import { probeSandbox } from '../../node/sandbox-probe.ts'
import { scriptMounts } from '../../node/blender-scripts.ts'
import { failingBwrap } from './harness.ts'
import { testFolder } from '../helpers/folders.ts'

const blender = findExecutable('blender')

t.test('the sandbox command: the system read-only, the project read-only, the output read-write, nothing else', async (t) => {
  const out = testFolder(t, 'out')
  const sandbox = new Sandbox({ bwrap: '/usr/bin/bwrap', blender: '/usr/bin/blender', userNamespace: true })
  const args = sandbox.command(['-b', '/p/a.blend'], { project: '/p', outputDir: out })
  const pairs = (flag: string) => args.flatMap((a, i) => a === flag ? [`${args[i + 1]} ${args[i + 2]}`] : [])
  t.equal(args[0], '/usr/bin/bwrap')
  t.same(args.slice(args.indexOf('--') + 1), ['/usr/bin/blender', '-b', '/p/a.blend'], 'Blender by its real path, its arguments unchanged')
  for (const flag of ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv']) t.ok(args.includes(flag), flag)
  t.same(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2), ['--cap-drop', 'ALL'])
  t.same(args.slice(args.indexOf('--unshare-user'), args.indexOf('--unshare-user') + 5), ['--unshare-user', '--uid', '1000', '--gid', '1000'], 'root becomes an ordinary user')
  t.ok(pairs('--ro-bind').includes('/p /p'), 'the project, read-only')
  t.same(pairs('--bind'), [`${out} ${out}`], 'only the output folder is writable')
  t.ok(args.indexOf('--tmpfs') < args.indexOf('/p'), 'a private /tmp first, so a project under /tmp is mounted over it')
  const mounted = [...pairs('--ro-bind'), ...pairs('--ro-bind-try'), ...pairs('--bind')].map((p) => p.split(' ')[0]!)
  for (const path of mounted) {
    t.ok(['/usr', '/p', out, ...scriptMounts].includes(path) || /^\/(etc\/(ld\.so|alternatives|fonts|localtime|timezone|OpenCL|glvnd|vulkan|nvidia|drirc|python3)|sys\/(block|bus|class|dev|devices)$)/.test(path), `${path} is on the allow-list`)
  }
  for (const path of scriptMounts) t.ok(pairs('--ro-bind').includes(`${path} ${path}`), `RFAM's Blender scripts, read-only: ${path}`)
  t.notOk(mounted.some((p) => ['/', '/etc', '/home', '/root', '/var', '/srv', '/opt', '/mnt', '/tmp', '/sys', '/work'].includes(p)), 'no wide folder')
  t.notOk(args.includes('/etc/passwd') || args.includes('/etc/shadow'))
  const env = args.flatMap((a, i) => a === '--setenv' ? [args[i + 1]] : [])
  t.ok(env.every((name) => /^(PATH|HOME|TMPDIR|PYTHONUNBUFFERED|LANG|LANGUAGE|LC_[A-Z]+|TZ|CUDA_VISIBLE_DEVICES|HIP_VISIBLE_DEVICES|ONEAPI_DEVICE_SELECTOR|OMP_NUM_THREADS)$/.test(name!)), `only the variables Blender needs (${env.join(', ')})`)
  t.same(args.slice(args.indexOf('HOME') - 1, args.indexOf('HOME') + 2), ['--setenv', 'HOME', '/tmp'])

  const opt = new Sandbox({ bwrap: 'bwrap', blender: '/opt/blender-4.2/blender', userNamespace: false })
  const optArgs = opt.command([], { project: '/p', outputDir: out })
  t.ok(optArgs.join(' ').includes('--ro-bind /opt/blender-4.2 /opt/blender-4.2'), 'a Blender installed elsewhere: its own folder, read-only')
  t.notOk(optArgs.includes('--unshare-user'), 'no user namespace when not asked')
  t.throws(() => opt.command([], { project: '/p', outputDir: '/no/such/folder' }), /must exist/)
  t.throws(() => new Sandbox({ bwrap: 'bwrap', blender: 'blender', userNamespace: false }), /absolute path/)
})

t.test('the probe: bubblewrap that works, one that cannot run, none', { skip: blender && findExecutable('bwrap') ? false : 'needs blender and bwrap' }, async (t) => {
  const works = probeSandbox({ bwrap: 'bwrap', blender: 'blender' })
  t.same(works.said, { kind: 'bubblewrap' })
  t.ok(works.sandbox, 'a sandbox to run Blender in')
  const fails = probeSandbox({ bwrap: failingBwrap(t), blender: 'blender' })
  t.equal(fails.sandbox, null)
  t.match(fails.said, { kind: 'none', reason: /^bubblewrap cannot run here: bwrap: No permissions to create a new namespace/ })
  t.match(probeSandbox({ bwrap: '/no/such/bwrap', blender: 'blender' }).said, { kind: 'none', reason: /not installed: apt-get install bubblewrap/ })
  t.match(probeSandbox({ bwrap: 'bwrap', blender: '/no/such/blender' }).said, { kind: 'none', reason: /Blender .* was not found/ })
})

t.test('a run\'s files: inside the project through every link, the output folder made', async (t) => {
  const dir = realpathSync(testFolder(t, 'place'))
  const share = join(dir, 'data')
  for (const p of ['red/shots', 'blue/renders/a', 'blue/shots']) mkdirSync(join(share, p), { recursive: true })
  writeFileSync(join(share, 'red', 'project.json'), '{}')
  writeFileSync(join(share, 'red', 'shots', 'a.blend'), 'BLENDER')
  writeFileSync(join(share, 'blue', 'shots', 'secret.blend'), 'BLENDER')
  const shares = new Shares(new Map([['data', share]]))
  const task = (extra: Partial<FarmTask>): FarmTask => ({ job: '0b6a3f9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b', tasks: ['t1'], name: 'a', project: 'red', projectDir: 'data::red', file: 'data::red/shots/a.blend', output: 'data::red/renders/a/####', frames: [1], frameStep: 1, video: false, ...extra })

  const place = placeOfRun(task({}), shares)
  t.same(place, { project: join(share, 'red'), file: join(share, 'red', 'shots', 'a.blend'), outputDir: join(share, 'red', 'renders', 'a'), output: join(share, 'red', 'renders', 'a', '####'), outputShown: 'renders/a/' })
  t.ok(existsSync(place.outputDir), 'the output folder is made for the sandbox to mount')
  const { projectDir: _, ...old } = task({})
  t.equal(placeOfRun(old, shares).project, join(share, 'red'), 'from an older server: the folder holding project.json')

  symlinkSync(join(share, 'blue', 'shots', 'secret.blend'), join(share, 'red', 'shots', 'linked.blend'))
  t.throws(() => placeOfRun(task({ file: 'data::red/shots/linked.blend' }), shares), { constructor: PlaceRefused, message: 'The file shots/linked.blend leads out of the project through a link (to ' + join(share, 'blue', 'shots', 'secret.blend') + '), so the farm does not render it: keep the .blend itself inside the project folder.' })
  symlinkSync(join(share, 'blue', 'renders'), join(share, 'red', 'out'))
  t.throws(() => placeOfRun(task({ output: 'data::red/out/a/####' }), shares), { message: /^The output folder out\/a leads out of the project through a link \(to .*blue\/renders\/a\), so Blender may not write there/ })
  t.throws(() => placeOfRun(task({ output: 'data::red/out/new/####' }), shares), { message: /output folder out\/new leads out/ }, 'a folder not made yet, under a link')
  t.notOk(existsSync(join(share, 'blue', 'renders', 'new')), 'nothing made in the other project')
  t.throws(() => placeOfRun(task({ output: 'data::blue/renders/a/####' }), shares), { message: /output folder \.\.\/blue\/renders\/a is outside the project/ }, 'an output named in another project')
  t.throws(() => placeOfRun(task({ projectDir: 'data::green' }), shares), { message: /cannot find the project folder data::green/ })
})
