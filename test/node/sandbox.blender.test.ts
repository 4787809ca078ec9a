// A student's .blend must not read or write outside its project on a render node (real server, real
// node, real Blender, real bubblewrap). The node refuses a file or output that leads out of the
// project through a link, before Blender starts; Blender refuses, before any frame, a File Output
// node or an external file that leaves the project (the session script's path check, one sentence
// naming them); and Blender runs in a sandbox that sees only the project (read-only), writes only
// the output folder, has its own /tmp and no network, so a file whose own Python tries anyway (a
// node allowing scripts) is stopped by the sandbox alone. The same probe on a node without a
// sandbox shows what it stops.
import t from 'tap'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { CREDENTIALS_FILE } from '../../server/farm/credentials.ts'
import { copyScene, failingBwrap, farmWithScenes, hostileScenes, waitingForWork, workRequests } from './harness.ts'
import type { Tap } from '../helpers/folders.ts'
import { until } from '../helpers/until.ts'
import { logMatches } from '../helpers/logs.ts'

const ONE_PIXEL_PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex')
const noRetries = { blocklistAfter: 1, maxRetries: 0 }
// Many Blender runs on a small machine.
t.setTimeout(900_000)

/** Another project in the same share: a picture and a rendered frame that must stay untouched. */
function otherProject (shareRoot: string) {
  const root = join(shareRoot, 'other')
  mkdirSync(join(root, 'textures'), { recursive: true })
  mkdirSync(join(root, 'renders', 'shots', 'tiny'), { recursive: true })
  writeFileSync(join(root, 'project.json'), '{}\n')
  writeFileSync(join(root, 'textures', 'secret.png'), ONE_PIXEL_PNG)
  const frame = join(root, 'renders', 'shots', 'tiny', '0001.png')
  writeFileSync(frame, 'the other team\'s frame')
  return { root, texture: join(root, 'textures', 'secret.png'), frame }
}

/** The crafted files, with paths aimed at this server's folders. */
function craft (t: Tap, s: { dir: string, url: string, config: { secretsDir: string, usersDir: string } }, project: string, other: ReturnType<typeof otherProject>, nodeConfig: string, hostTmp: string) {
  const outside = join(s.dir, 'escaped')
  const users = readdirSync(s.config.usersDir).filter((f) => f.endsWith('.json'))
  const dir = hostileScenes(t, {
    outside,
    otherTexture: other.texture,
    otherTextureRelative: `//${relative(join(project, 'shots'), other.texture)}`,
    probe: {
      read: [join(project, 'shots', 'probe.blend'), other.texture, join(s.config.secretsDir, CREDENTIALS_FILE), join(s.config.usersDir, users[0]!), nodeConfig, '/etc/shadow'],
      write: [join(project, 'renders', 'probe', 'ok.txt'), other.frame, join(project, 'shots', 'planted.txt'), hostTmp],
      host: '127.0.0.1',
      port: Number(new URL(s.url).port),
    },
  })
  for (const name of ['fileout.blend', 'texture.blend', 'probe.blend']) copyScene(name, join(project, 'shots'), name, dir)
  return { outside }
}

t.test('a node with bubblewrap: refusals before rendering, and a sandbox that holds on its own', async (t) => {
  const { s, project, api, node: startNode, finished } = await farmWithScenes(t, ['tiny.blend'], noRetries)
  const other = otherProject(s.config.shares.root('data'))
  const node = await startNode('pc-box', [1], { scripting: true, keepBlenderSeconds: 0 })
  const hostTmp = join(tmpdir(), `rfam-probe-${process.pid}-box.txt`)
  const { outside } = craft(t, s, project, other, node.config, hostTmp)
  t.teardown(() => rmSync(hostTmp, { force: true }))

  t.ok(node.logs.some((e) => e.level === 'info' && /^Blender runs in a bubblewrap sandbox/.test(e.msg)), 'the node says it has a sandbox')
  const listed = (await api('GET', '/api/farm/nodes')).body.nodes.find((n: { name: string }) => n.name === 'pc-box')
  t.same(listed.sandbox, { kind: 'bubblewrap' }, 'the nodes list shows it')

  await t.test('a File Output node writing outside the share: refused, nothing written', async (t) => {
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/fileout.blend', frameStart: 1, frameEnd: 1 })).body
    const done = await finished(job.id)
    t.equal(done.status, 'failed')
    t.notOk(existsSync(outside), 'no file outside the share')
    t.match(done.lastFailure?.message, /File Output node 'Escape' writes to .*escaped\//)
    t.match(done.lastFailure?.message, /Make Paths Relative/, 'says how to fix it')
    t.notMatch(done.lastFailure?.message, /exit code/, 'the sentence is the whole message')
    t.notOk(existsSync(join(project, 'renders', 'shots', 'fileout', '0001.png')), 'no frame rendered')
  })

  await t.test('a texture from another project, by an absolute and a relative path: refused', async (t) => {
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/texture.blend', frameStart: 1, frameEnd: 1 })).body
    const done = await finished(job.id)
    t.equal(done.status, 'failed')
    t.match(done.lastFailure?.message, /image 'stolen' .*other\/textures\/secret\.png/)
    t.match(done.lastFailure?.message, /image 'stolen_relative' .*\/\/\.\.\/\.\.\/other\/textures\/secret\.png/)
    t.notOk(existsSync(join(project, 'renders', 'shots', 'texture', '0001.png')), 'no frame rendered')
    t.comment(done.lastFailure?.message ?? '')
    const video = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/texture.blend', frameStart: 1, frameEnd: 2, video: true, output: 'renders/texture-video/####' })).body
    const movie = await finished(video.id)
    t.equal(movie.status, 'failed', 'a video run is checked too')
    t.match(movie.lastFailure?.message, /image 'stolen' /)
    t.same(readdirSync(join(project, 'renders', 'texture-video')).filter((f) => !f.startsWith('.')), [], 'nothing rendered')
  })

  await t.test('output through a link into another project: refused before Blender starts', async (t) => {
    // Created paused, then linked: the server's own checks (at creation) are not what is tested here.
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 2, paused: true })).body
    rmSync(join(project, 'renders'), { recursive: true, force: true })
    symlinkSync(join(other.root, 'renders'), join(project, 'renders'))
    try {
      await api('PATCH', `/api/projects/demo/jobs/${job.id}`, { action: 'resume' })
      const done = await finished(job.id)
      t.equal(done.status, 'failed')
      t.match(done.lastFailure?.message, /output .*renders\/shots\/tiny.* leads out of the project/)
      t.equal(readFileSync(other.frame, 'utf8'), 'the other team\'s frame', 'the other project\'s frame is untouched')
      t.same(readdirSync(join(other.root, 'renders', 'shots', 'tiny')), ['0001.png'])
    } finally {
      // The link goes; later jobs get a real renders/ folder.
      unlinkSync(join(project, 'renders'))
    }
  })

  await t.test('a file whose own Python tries to get out: the sandbox stops it', async (t) => {
    const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/probe.blend', frameStart: 1, frameEnd: 1, output: 'renders/probe/####' })).body
    const done = await finished(job.id)
    t.equal(done.status, 'completed', 'the file renders')
    const probe = JSON.parse(readFileSync(join(project, 'renders', 'probe', 'probe.json'), 'utf8')) as Record<string, boolean | number>
    t.equal(probe[`read ${join(project, 'shots', 'probe.blend')}`], true, 'it reads its own project')
    t.equal(probe[`write ${join(project, 'renders', 'probe', 'ok.txt')}`], true, 'it writes its output folder')
    t.equal(probe[`read ${other.texture}`], false, 'not another project')
    t.ok(existsSync(join(s.config.secretsDir, CREDENTIALS_FILE)), 'the farm credentials are there on this machine')
    t.equal(probe[`read ${join(s.config.secretsDir, CREDENTIALS_FILE)}`], false, 'not the farm credentials')
    t.match(Object.entries(probe).filter(([k]) => k.startsWith(`read ${s.config.usersDir}`)), [[String, false]], 'not the users\' password hashes')
    t.equal(probe[`read ${node.config}`], false, 'not the node\'s own settings (its farm credential)')
    t.equal(probe['read /etc/shadow'], false, 'not /etc/shadow')
    // (Shares in tests live under the machine's /tmp: a write there lands in the sandbox's own /tmp.)
    t.equal(readFileSync(other.frame, 'utf8'), 'the other team\'s frame', 'it cannot overwrite another project\'s frame')
    t.equal(probe[`write ${join(project, 'shots', 'planted.txt')}`], false, 'nor write its own project outside the output folder')
    t.notOk(existsSync(join(project, 'shots', 'planted.txt')))
    t.notOk(existsSync(hostTmp), 'its /tmp is its own')
    t.equal(probe.connect, false, 'no network, not even the server on this machine')
    t.ok((probe.processes as number) <= 3, `it sees only its own processes (${probe.processes})`)
  })
})

t.test('a node where bubblewrap cannot run: it says so, and gets work only where the farm allows it', async (t) => {
  const bwrap = failingBwrap(t)
  // Long polls of 1 s: the node asks for work again within a second or so (see below).
  const strict = await farmWithScenes(t, ['tiny.blend'], { ...noRetries, longPollSeconds: 1 })
  const bare = await strict.node('pc-bare', [1], { bwrap })
  t.ok(bare.logs.some((e) => logMatches(e, { level: 'warn', msg: /^no sandbox/, reason: /^bubblewrap cannot run here: bwrap: No permissions to create a new namespace/ })), 'the node logs why')
  const listed = (await strict.api('GET', '/api/farm/nodes')).body
  t.equal(listed.allowUnsandboxedNodes, false)
  t.match(listed.nodes[0].sandbox, { kind: 'none', reason: /No permissions to create a new namespace/ }, 'the nodes list shows it, with the reason')
  await bare.waitForLog({ msg: 'the server gives this node no work', reason: /^This node cannot keep Blender in a sandbox/ })
  const before = workRequests(strict.s.app.farm, 'pc-bare')
  const job = (await strict.api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 1 })).body
  // A request for work made after the job came, held: the node asked and got nothing.
  await waitingForWork(strict.s.app.farm, 'pc-bare', before)
  t.equal((await strict.api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.status, 'queued', 'the job waits: the node gets none of it')
  t.notOk(bare.logs.some((e) => e.msg === 'rendering'), 'the node rendered nothing')

  const lenient = await farmWithScenes(t, ['tiny.blend'], { ...noRetries, allowUnsandboxedNodes: true })
  const other = otherProject(lenient.s.config.shares.root('data'))
  const allowed = await lenient.node('pc-allowed', [1], { bwrap, scripting: true, keepBlenderSeconds: 0 })
  const hostTmp = join(tmpdir(), `rfam-probe-${process.pid}-bare.txt`)
  craft(t, lenient.s, lenient.project, other, allowed.config, hostTmp)
  t.teardown(() => rmSync(hostTmp, { force: true }))
  const tiny = (await lenient.api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 1 })).body
  t.equal((await lenient.finished(tiny.id)).status, 'completed', 'with allowUnsandboxedNodes it renders')

  // The path check still runs without a sandbox.
  const texture = (await lenient.api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/texture.blend', frameStart: 1, frameEnd: 1 })).body
  const refused = await lenient.finished(texture.id)
  t.equal(refused.status, 'failed')
  t.match(refused.lastFailure?.message, /image 'stolen'/, 'the path check refuses the texture without a sandbox too')

  // What the sandbox stops: the same probe, unsandboxed, gets out (so the test above tests something).
  const probeJob = (await lenient.api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/probe.blend', frameStart: 1, frameEnd: 1, output: 'renders/probe/####' })).body
  t.equal((await lenient.finished(probeJob.id)).status, 'completed')
  const probe = JSON.parse(readFileSync(join(lenient.project, 'renders', 'probe', 'probe.json'), 'utf8')) as Record<string, boolean>
  t.equal(probe[`read ${join(lenient.s.config.secretsDir, CREDENTIALS_FILE)}`], true, 'unsandboxed, the file reads the farm credentials')
  t.equal(probe[`read ${allowed.config}`], true, 'and the node\'s settings')
  t.equal(probe[`write ${other.frame}`], true, 'and overwrites another project\'s frame')
  await until('the host /tmp file', () => existsSync(hostTmp), { timeoutMs: 1000 })
  t.pass('and writes the machine\'s /tmp')
})
