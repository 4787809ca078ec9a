// The prenode as a real process against a real server: counts put into its command and its
// environment, several prenodes with their own names and tags on one server, a failing command
// retried and acknowledged only once it worked, a server that is down (logged once, waited for),
// and a prenode killed between its command and the server's acknowledgement that acknowledges at
// its next start instead of running the command again. Bad configurations stop it clearly.
import t from 'tap'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { JobView } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { seedDemoIfEmpty } from '../../server/demo/seed-demo.ts'
import { buildServer } from '../../server/server.ts'
import { startTestServer, writeTestConfig } from '../helpers/server.ts'
import { apiSession, until } from '../node/harness.ts'
import { startTs } from '../helpers/processes.ts'

type Tap = { teardown: (fn: () => unknown) => void }

function tempDir (t: Tap, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function writeConfig (dir: string, name: string, fields: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({ name, checkSeconds: 0.2, retrySeconds: 0.2, ...fields }, null, 2))
  return file
}

const lines = (file: string) => existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []

async function freePort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise((resolve) => srv.close(resolve))
  return port
}

/** A real server on a fixed port and folder, so it can be stopped and started again. */
async function serverAt (dir: string, port: number): Promise<FastifyInstance> {
  const config = loadConfig(writeTestConfig(dir, { farmSettings: { longPollSeconds: 1 } }))
  await seedDemoIfEmpty(config)
  const app = await buildServer(config)
  await app.listen({ host: '127.0.0.1', port })
  return app
}

const demoDir = (serverDir: string) => join(serverDir, 'data', 'demo')

t.test('a bad configuration or credential stops the prenode with a clear message', async (t) => {
  const dir = tempDir(t, 'rfam-prenode-')
  const noArgs = startTs(t, 'prenode/main.ts', [], { label: 'no-args' })
  t.equal(await noArgs.exited, 2)
  t.match(noArgs.lines.join('\n'), /Usage: npx tsx prenode\/main.ts --config/)
  const missing = startTs(t, 'prenode/main.ts', ['--config', join(dir, 'nope.json')], { label: 'missing' })
  t.equal(await missing.exited, 1)
  t.match(missing.lines.join('\n'), /The prenode cannot start: .*nope.json: no such file/)
  const bad = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'bad', { server: 'http://127.0.0.1:1', credential: 'x', command: 'true', queue: 'gpu' })], { label: 'bad' })
  t.equal(await bad.exited, 1)
  t.match(bad.lines.join('\n'), /The prenode cannot start: .*bad.json: .*unknown field "queue"/)
  const noServer = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'noserver', { server: 'farm.example', credential: 'x', command: 'true' })], { label: 'noserver' })
  t.equal(await noServer.exited, 1)
  t.match(noServer.lines.join('\n'), /\/server must be the server's address/)
  const noFile = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'nofile', { server: 'http://127.0.0.1:1', credential: 'file:secret.txt', command: 'true' })], { label: 'nofile' })
  t.equal(await noFile.exited, 1)
  t.match(noFile.lines.join('\n'), /\/credential names the file .*secret.txt, which cannot be read/)
  writeFileSync(join(dir, 'state-bad.json'), '{"submitted": 3}')
  const damaged = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'damaged', { server: 'http://127.0.0.1:1', credential: 'x', command: 'true', stateFile: 'state-bad.json' })], { label: 'damaged' })
  t.equal(await damaged.exited, 1)
  t.match(damaged.lines.join('\n'), /state file .*state-bad.json is damaged/)

  const s = await startTestServer(t, { listen: true })
  const refused = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'refused', { server: s.url, credential: 'rfam_not-known', command: 'true' })], { label: 'refused' })
  t.equal(await refused.exited, 1)
  t.match(refused.lines.join('\n'), /The server refuses this prenode \(asking for jobs\): That farm credential is not known/)
})

t.test('two prenodes on one server: each job once per name, counts in the command and the environment, tags respected', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 2 } } })
  mkdirSync(join(s.projectDir(), 'shots'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'shots', 'a.blend'), 'BLENDER-v304')
  const api = await apiSession(s.url)
  const dir = tempDir(t, 'rfam-prenode-')
  const credential = await s.app.farm.credentials.create('cluster')
  writeFileSync(join(dir, 'credential'), `${credential}\n`)
  const renders = join(dir, 'renders.txt')
  const notes = join(dir, 'notes.txt')
  const render = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'render', {
    server: s.url, credential: 'file:credential', maxFrames: 5,
    command: `echo "frames={frames} jobs={jobs} env=$RFAM_FRAMES/$RFAM_JOBS kept={other}" >> ${renders}`,
  })], { label: 'render' })
  const notify = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'notify', {
    server: s.url, credential, provides: ['gpu'], checkSeconds: 0.5,
    command: `echo "{jobs} new render jobs, {frames} frames" >> ${notes}`,
  })], { label: 'notify' })
  await render.waitFor(/prenode render watching/)
  await notify.waitFor(/prenode notify watching/)

  const a = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 3 })).body
  await until(() => (lines(renders).length === 1 && lines(notes).length === 1 ? true : undefined), 30_000, 'both prenodes ran their command')
  t.same(lines(renders), ['frames=3 jobs=1 env=3/1 kept={other}'], 'counts substituted, in the environment too; other braces left alone')
  t.same(lines(notes), ['1 new render jobs, 3 frames'])

  const gpu = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 250, video: true, requires: ['gpu'] })).body
  const big = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 20, requires: ['gpu'] })).body
  await until(() => (lines(notes).length >= 2 && s.app.farm.jobFile(big.id)!.seenBy?.includes('notify') ? true : undefined), 30_000, 'the notifier saw the gpu jobs')
  const sum = (re: RegExp) => lines(notes).map((l) => Number(re.exec(l)![1])).reduce((x, y) => x + y, 0)
  t.equal(sum(/(\d+) frames/), 3 + 1 + 20, 'one node for the video job, one per frame of the others')

  const capped = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 40 })).body
  await until(() => (lines(renders).length === 2 ? true : undefined), 30_000, 'the render prenode ran again')
  t.equal(lines(renders)[1], 'frames=5 jobs=1 env=5/1 kept={other}', 'frames capped by maxFrames')
  await render.waitFor(/40 capped by maxFrames/)
  await until(() => (s.app.farm.jobFile(capped.id)!.seenBy?.includes('render') ? true : undefined), 10_000, 'ack of the capped job')

  t.same(s.app.farm.jobFile(a.id)!.seenBy!.sort(), ['notify', 'render'], 'both names on the job, on the server')
  t.same(s.app.farm.jobFile(gpu.id)!.seenBy, ['notify'], 'the render prenode does not provide gpu')
  // Another round of polls: nothing is run again.
  await new Promise((r) => setTimeout(r, 1500))
  t.equal(lines(renders).length, 2, 'the render prenode never ran twice for a job')
  await until(() => (sum(/(\d+) new/) === 4 ? true : undefined), 10_000, 'the notifier saw the last job')
  await new Promise((r) => setTimeout(r, 1000))
  t.equal(sum(/(\d+) new/), 4, 'the notifier saw every job once (a, gpu, big, capped)')
  t.equal(sum(/(\d+) frames/), 3 + 1 + 20 + 40)
  t.equal(await render.stop(), 0, 'SIGTERM stops it cleanly')
  t.match(render.lines.join('\n'), /prenode render stopped/)
})

t.test('a failing command is retried and the batch acknowledged only once it worked', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 1 } } })
  writeFileSync(join(s.projectDir(), 'a.blend'), 'BLENDER-v304')
  const api = await apiSession(s.url)
  const dir = tempDir(t, 'rfam-prenode-')
  const credential = await s.app.farm.credentials.create('cluster')
  const calls = join(dir, 'calls.txt')
  const flag = join(dir, 'cluster-up')
  const p = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'flaky', {
    server: s.url, credential, checkSeconds: 0.3,
    command: `echo try >> ${calls}; test -f ${flag} || { echo "sbatch: error: Batch job submission failed: Unable to contact slurm controller" >&2; exit 1; }`,
  })], { label: 'flaky' })
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'a.blend', frameStart: 1, frameEnd: 2 })).body
  await p.waitFor(/COMMAND FAILED: it exited with status 1; these jobs are offered again/)
  await p.waitFor(/\| sbatch: error: Batch job submission failed/)
  await until(() => (lines(calls).length >= 2 ? true : undefined), 20_000, 'a second try')
  t.same(s.app.farm.jobFile(job.id)!.seenBy ?? [], [], 'not acknowledged while the command fails')
  writeFileSync(flag, '')
  await p.waitFor(/command done for 1 job/)
  await until(() => (s.app.farm.jobFile(job.id)!.seenBy?.includes('flaky') ? true : undefined), 10_000, 'acknowledged')
  const tries = lines(calls).length
  await new Promise((r) => setTimeout(r, 1200))
  t.equal(lines(calls).length, tries, 'not run again after it worked')
})

t.test('a command that hangs is killed at its timeout (with what it started) and counts as failed', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 1 } } })
  writeFileSync(join(s.projectDir(), 'a.blend'), 'BLENDER-v304')
  const api = await apiSession(s.url)
  const dir = tempDir(t, 'rfam-prenode-')
  const credential = await s.app.farm.credentials.create('cluster')
  const p = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'hang', {
    server: s.url, credential, checkSeconds: 30, commandTimeoutSeconds: 1, command: `sleep 600 & echo $! > ${join(dir, 'child.pid')}; wait`,
  })], { label: 'hang' })
  await api('POST', '/api/projects/demo/jobs', { file: 'a.blend', frameStart: 1, frameEnd: 1 })
  await p.waitFor(/COMMAND FAILED: it was still running after 1 s and was killed/)
  const pid = Number(readFileSync(join(dir, 'child.pid'), 'utf8'))
  await until(() => { try { process.kill(pid, 0); return undefined } catch { return true } }, 10_000, 'the sleep started by the command is gone')
  t.pass('the process group was killed')
})

t.test('the server down: logged once, waited for; killed between command and ack: acknowledged at the next start, never run twice', async (t) => {
  const port = await freePort()
  const serverDir = tempDir(t, 'rfam-prenode-server-')
  const dir = tempDir(t, 'rfam-prenode-')
  const calls = join(dir, 'calls.txt')
  const release = join(dir, 'release')
  const stateFile = join(dir, 'state', 'cluster.json')
  mkdirSync(join(dir, 'state'))
  const credentialFile = join(dir, 'credential')
  writeFileSync(credentialFile, 'not yet')
  const config = writeConfig(dir, 'cluster', {
    server: `http://127.0.0.1:${port}`, credential: 'file:credential', stateFile: 'state/cluster.json', retrySeconds: 0.1,
    // Stands for sbatch: records the call, then finishes only when the test says so.
    command: `echo "{jobs} {frames}" >> ${calls}; while [ ! -f ${release} ]; do sleep 0.05; done`,
  })
  let app: FastifyInstance | null = null
  t.teardown(async () => { await app?.close() })

  // The server is not there yet: one line about it, however long it takes.
  const boot = await serverAt(serverDir, port)
  const credential = await boot.farm.credentials.create('cluster')
  await boot.close()
  writeFileSync(credentialFile, credential)
  const first = startTs(t, 'prenode/main.ts', ['--config', config], { label: 'first' })
  await first.waitFor(/cannot reach the server asking for jobs \(fetch failed \(.*ECONNREFUSED/)
  await new Promise((r) => setTimeout(r, 1000))
  t.equal(first.lines.filter((l) => /cannot reach/.test(l)).length, 1, 'one line per outage, not one per try')
  app = await serverAt(serverDir, port)
  await first.waitFor(/the server answers again/)

  writeFileSync(join(demoDir(serverDir), 'a.blend'), 'BLENDER-v304')
  const job = await app.farm.createJob('demo', { file: 'a.blend', frameStart: 1, frameEnd: 4 })
  await until(() => (lines(calls).length === 1 ? true : undefined), 20_000, 'the command started')
  // The server goes away while the command runs; the command then succeeds.
  await app.close()
  app = null
  writeFileSync(release, '')
  await first.waitFor(/command done for 1 job/)
  await first.waitFor(/cannot reach the server acknowledging jobs/)
  await until(() => (existsSync(stateFile) ? true : undefined), 5000, 'the state file')
  t.same(JSON.parse(readFileSync(stateFile, 'utf8')).submitted.map((b: { jobs: string[] }) => b.jobs), [[job.id]], 'the batch is kept locally before the ack')
  first.proc.kill('SIGKILL')
  await first.exited

  app = await serverAt(serverDir, port)
  t.same(app.farm.jobFile(job.id)!.seenBy ?? [], [], 'the server never got the ack')
  const second = startTs(t, 'prenode/main.ts', ['--config', config], { label: 'second' })
  await second.waitFor(/1 job from before a restart already had the command run; acknowledging them/)
  await until(() => (app!.farm.jobFile(job.id)!.seenBy?.includes('cluster') ? true : undefined), 20_000, 'acknowledged after the restart')
  await until(() => (JSON.parse(readFileSync(stateFile, 'utf8')).submitted.length === 0 ? true : undefined), 5000, 'the state file emptied')
  await new Promise((r) => setTimeout(r, 1500))
  t.same(lines(calls), ['1 4'], 'the command ran once for the job, across the crash')
  t.equal(await second.stop(), 0)
})
