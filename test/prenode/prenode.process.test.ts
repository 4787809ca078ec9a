// The prenode as a real process against a real server: counts put into its command and its
// environment, several prenodes with their own names and tags on one server, a failing command
// retried and acknowledged only once it worked, a server that is down (logged once, waited for),
// and a prenode killed between its command and the server's acknowledgement that acknowledges at
// its next start instead of running the command again. Bad configurations stop it clearly.
import t, { type Test } from 'tap'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import type { Farm } from '../../server/farm/farm.ts'
import { startTestServer, writeTestConfig } from '../helpers/server.ts'
import { startTs, type Proc } from '../helpers/processes.ts'
import { freePort } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

function writeConfig (dir: string, name: string, fields: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({ name, checkSeconds: 0.2, retrySeconds: 0.2, ...fields }, null, 2))
  return file
}

const lines = (file: string) => existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []

/**
 * The prenode polls the in-process server has taken, by prenode name, counted as they come. A poll
 * counted after another began only once the prenode had dealt with the other's answer.
 */
function countPolls (t: Test, farm: Farm): (name: string) => number {
  const polls = new Map<string, number>()
  const poll = farm.prenodePoll.bind(farm)
  t.capture(farm, 'prenodePoll', (...args: Parameters<typeof poll>) => {
    polls.set(args[0].name, (polls.get(args[0].name) ?? 0) + 1)
    return poll(...args)
  })
  return (name) => polls.get(name) ?? 0
}

/** Waits for two more polls of a prenode: the answer to the first of them was dealt with (and ran nothing, if nothing changed). */
async function twoMorePolls (polls: (name: string) => number, name: string): Promise<void> {
  const now = polls(name)
  await until(`two more polls of ${name}`, () => polls(name) >= now + 2, { timeoutMs: 30_000 })
}

/** Why a prenode stopped at start: its fatal log entry, message and reason (or its plain output). */
function stopReason (p: Proc): string {
  const e = p.logs.find((x) => x.level === 'fatal')
  return e ? `${e.msg}: ${String(e.reason ?? (e.err as { message?: string } | undefined)?.message)}` : p.lines.join('\n')
}

t.test('a bad configuration or credential stops the prenode with a clear message', async (t) => {
  const dir = testFolder(t, 'prenode')
  const noArgs = startTs(t, 'prenode/main.ts', [], { label: 'no-args' })
  t.equal(await noArgs.exited, 2)
  t.match(noArgs.lines.join('\n'), /Usage: npx tsx prenode\/main.ts --config/)
  const missing = startTs(t, 'prenode/main.ts', ['--config', join(dir, 'nope.json')], { label: 'missing' })
  t.equal(await missing.exited, 1)
  t.match(stopReason(missing), /the prenode cannot start: .*nope.json: no such file/)
  const bad = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'bad', { server: 'http://127.0.0.1:1', credential: 'x', command: 'true', queue: 'gpu' })], { label: 'bad' })
  t.equal(await bad.exited, 1)
  t.match(stopReason(bad), /the prenode cannot start: .*bad.json: .*unknown field "queue"/)
  const noServer = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'noserver', { server: 'farm.example', credential: 'x', command: 'true' })], { label: 'noserver' })
  t.equal(await noServer.exited, 1)
  t.match(stopReason(noServer), /\/server must be the server's address/)
  const noFile = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'nofile', { server: 'http://127.0.0.1:1', credential: 'file:secret.txt', command: 'true' })], { label: 'nofile' })
  t.equal(await noFile.exited, 1)
  t.match(stopReason(noFile), /\/credential names the file .*secret.txt, which cannot be read/)
  writeFileSync(join(dir, 'state-bad.json'), '{"submitted": 3}')
  const damaged = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'damaged', { server: 'http://127.0.0.1:1', credential: 'x', command: 'true', stateFile: 'state-bad.json' })], { label: 'damaged' })
  t.equal(await damaged.exited, 1)
  t.match(stopReason(damaged), /state file .*state-bad.json is damaged/)

  const s = await startTestServer(t, { listen: true })
  const refused = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'refused', { server: s.url, credential: 'rfam_not-known', command: 'true' })], { label: 'refused' })
  t.equal(await refused.exited, 1)
  t.match(stopReason(refused), /The server refuses this prenode \(asking for jobs\): That farm credential is not known/)
})

t.test('two prenodes on one server: each job once per name, counts in the command and the environment, tags respected', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 2 } } })
  const polls = countPolls(t, s.app.farm)
  mkdirSync(join(s.projectDir(), 'shots'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'shots', 'a.blend'), TINY_BLEND)
  const { api } = await logIn(s.url, 'alex')
  const dir = testFolder(t, 'prenode')
  const credential = await s.app.farm.credentials.create('cluster')
  writeFileSync(join(dir, 'credential'), `${credential}\n`)
  const renders = join(dir, 'renders.txt')
  const notes = join(dir, 'notes.txt')
  const render = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'render', {
    server: s.url,
    credential: 'file:credential',
    maxFrames: 5,
    command: `echo "frames={frames} jobs={jobs} env=$RFAM_FRAMES/$RFAM_JOBS kept={other}" >> ${renders}`,
  })], { label: 'render' })
  const notify = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'notify', {
    server: s.url,
    credential,
    provides: ['gpu'],
    checkSeconds: 0.5,
    command: `echo "{jobs} new render jobs, {frames} frames" >> ${notes}`,
  })], { label: 'notify' })
  await render.waitForLog({ msg: 'prenode watching', prenode: 'render' })
  await notify.waitForLog({ msg: 'prenode watching', prenode: 'notify', provides: ['gpu'] })

  const a = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 3 })).body
  await until('both prenodes ran their command', () => lines(renders).length === 1 && lines(notes).length === 1, { timeoutMs: 30_000 })
  t.same(lines(renders), ['frames=3 jobs=1 env=3/1 kept={other}'], 'counts substituted, in the environment too; other braces left alone')
  t.same(lines(notes), ['1 new render jobs, 3 frames'])

  const gpu = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 250, video: true, requires: ['gpu'] })).body
  const big = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 20, requires: ['gpu'] })).body
  await until('the notifier saw the gpu jobs', () => lines(notes).length >= 2 && s.app.farm.jobFile(big.id)!.seenBy?.includes('notify'), { timeoutMs: 30_000 })
  const sum = (re: RegExp) => lines(notes).map((l) => Number(re.exec(l)![1])).reduce((x, y) => x + y, 0)
  t.equal(sum(/(\d+) frames/), 3 + 1 + 20, 'one node for the video job, one per frame of the others')

  const capped = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 40 })).body
  await until('the render prenode ran again', () => lines(renders).length === 2, { timeoutMs: 30_000 })
  t.equal(lines(renders)[1], 'frames=5 jobs=1 env=5/1 kept={other}', 'frames capped by maxFrames')
  await render.waitForLog({ msg: 'new jobs', prenode: 'render', jobs: [{ job: capped.id, project: 'demo', nodes: 16, framesLeft: 40 }], nodes: 16, frames: 5, uncapped: 40 })
  await until('ack of the capped job', () => s.app.farm.jobFile(capped.id)!.seenBy?.includes('render'), { timeoutMs: 10_000 })

  t.same(s.app.farm.jobFile(a.id)!.seenBy!.sort(), ['notify', 'render'], 'both names on the job, on the server')
  t.same(s.app.farm.jobFile(gpu.id)!.seenBy, ['notify'], 'the render prenode does not provide gpu')
  // Another round of polls: nothing is run again.
  await twoMorePolls(polls, 'render')
  t.equal(lines(renders).length, 2, 'the render prenode never ran twice for a job')
  await until('the notifier saw the last job', () => sum(/(\d+) new/) === 4, { timeoutMs: 10_000 })
  await twoMorePolls(polls, 'notify')
  t.equal(sum(/(\d+) new/), 4, 'the notifier saw every job once (a, gpu, big, capped)')
  t.equal(sum(/(\d+) frames/), 3 + 1 + 20 + 40)
  t.equal(await render.stop(), 0, 'SIGTERM stops it cleanly')
  t.ok(render.logs.some((e) => e.msg === 'prenode stopped' && e.prenode === 'render'))
})

t.test('a failing command is retried and the batch acknowledged only once it worked', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 1 } } })
  const polls = countPolls(t, s.app.farm)
  writeFileSync(join(s.projectDir(), 'a.blend'), TINY_BLEND)
  const { api } = await logIn(s.url, 'alex')
  const dir = testFolder(t, 'prenode')
  const credential = await s.app.farm.credentials.create('cluster')
  const calls = join(dir, 'calls.txt')
  const flag = join(dir, 'cluster-up')
  const p = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'flaky', {
    server: s.url,
    credential,
    checkSeconds: 0.3,
    command: `echo try >> ${calls}; test -f ${flag} || { echo "sbatch: error: Batch job submission failed: Unable to contact slurm controller" >&2; exit 1; }`,
  })], { label: 'flaky' })
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'a.blend', frameStart: 1, frameEnd: 2 })).body
  await p.waitForLog({ level: 'error', msg: /^command failed: these jobs are offered again/, reason: 'it exited with status 1', output: /^sbatch: error: Batch job submission failed/m })
  await until('a second try', () => lines(calls).length >= 2, { timeoutMs: 20_000 })
  t.same(s.app.farm.jobFile(job.id)!.seenBy ?? [], [], 'not acknowledged while the command fails')
  writeFileSync(flag, '')
  await p.waitForLog({ msg: 'command done', count: 1, jobs: [job.id] })
  await until('acknowledged', () => s.app.farm.jobFile(job.id)!.seenBy?.includes('flaky'), { timeoutMs: 10_000 })
  const tries = lines(calls).length
  await twoMorePolls(polls, 'flaky')
  t.equal(lines(calls).length, tries, 'not run again after it worked')
})

t.test('a command that hangs is killed at its timeout (with what it started) and counts as failed', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 1 } } })
  writeFileSync(join(s.projectDir(), 'a.blend'), TINY_BLEND)
  const { api } = await logIn(s.url, 'alex')
  const dir = testFolder(t, 'prenode')
  const credential = await s.app.farm.credentials.create('cluster')
  const p = startTs(t, 'prenode/main.ts', ['--config', writeConfig(dir, 'hang', {
    server: s.url, credential, checkSeconds: 30, commandTimeoutSeconds: 1, command: `sleep 600 & echo $! > ${join(dir, 'child.pid')}; wait`,
  })], { label: 'hang' })
  await api('POST', '/api/projects/demo/jobs', { file: 'a.blend', frameStart: 1, frameEnd: 1 })
  await p.waitForLog({ level: 'error', msg: /^command failed/, reason: /^it was still running after 1 s and was killed/ })
  const pid = Number(readFileSync(join(dir, 'child.pid'), 'utf8'))
  await until('the sleep started by the command is gone', () => { try { process.kill(pid, 0); return undefined } catch { return true } }, { timeoutMs: 10_000 })
  t.pass('the process group was killed')
})

t.test('the server down: logged once, waited for; killed between command and ack: acknowledged at the next start, never run twice', async (t) => {
  const port = await freePort()
  const serverDir = testFolder(t, 'server')
  const dir = testFolder(t, 'prenode')
  const calls = join(dir, 'calls.txt')
  const release = join(dir, 'release')
  const stateFile = join(dir, 'state', 'cluster.json')
  mkdirSync(join(dir, 'state'))
  const credentialFile = join(dir, 'credential')
  writeFileSync(credentialFile, 'not yet')
  const config = writeConfig(dir, 'cluster', {
    server: `http://127.0.0.1:${port}`,
    credential: 'file:credential',
    stateFile: 'state/cluster.json',
    retrySeconds: 0.1,
    // Stands for sbatch: records the call, then finishes only when the test says so.
    command: `echo "{jobs} {frames}" >> ${calls}; while [ ! -f ${release} ]; do sleep 0.05; done`,
  })
  // A server on a fixed port and folder, stopped and started again.
  const s = await startTestServer(t, { listen: true, configFile: writeTestConfig(serverDir, { port, farmSettings: { longPollSeconds: 1 } }) })
  const credential = await s.app.farm.credentials.create('cluster')
  await s.stop()

  // The server is not there yet: one line about it, however long it takes. Meanwhile its port
  // takes the prenode's tries and closes each at once: three of them, still one line.
  writeFileSync(credentialFile, credential)
  const first = startTs(t, 'prenode/main.ts', ['--config', config], { label: 'first' })
  await first.waitForLog({ level: 'warn', msg: /^cannot reach the server asking for jobs/, reason: /^fetch failed \(.*ECONNREFUSED/ })
  let tries = 0
  const refuser = createServer((socket) => { tries++; socket.destroy() })
  await new Promise<void>((resolve) => refuser.listen(port, '127.0.0.1', resolve))
  await until('three more tries', () => tries >= 3)
  await new Promise((resolve) => refuser.close(resolve))
  t.equal(first.logs.filter((e) => e.msg.startsWith('cannot reach')).length, 1, 'one line per outage, not one per try')
  await s.start()
  await first.waitForLog({ msg: 'the server answers again', prenode: 'cluster' })

  writeFileSync(join(s.projectDir(), 'a.blend'), TINY_BLEND)
  const job = await s.app.farm.createJob('demo', { file: 'a.blend', frameStart: 1, frameEnd: 4 })
  await until('the command started', () => lines(calls).length === 1, { timeoutMs: 20_000 })
  // The server goes away while the command runs; the command then succeeds.
  await s.stop()
  writeFileSync(release, '')
  await first.waitForLog({ msg: 'command done', count: 1, jobs: [job.id] })
  await first.waitForLog({ msg: /^cannot reach the server acknowledging jobs/ })
  await until('the state file', () => existsSync(stateFile), { timeoutMs: 5000 })
  t.same(JSON.parse(readFileSync(stateFile, 'utf8')).submitted.map((b: { jobs: string[] }) => b.jobs), [[job.id]], 'the batch is kept locally before the ack')
  first.proc.kill('SIGKILL')
  await first.exited

  await s.start()
  const polls = countPolls(t, s.app.farm)
  t.same(s.app.farm.jobFile(job.id)!.seenBy ?? [], [], 'the server never got the ack')
  const second = startTs(t, 'prenode/main.ts', ['--config', config], { label: 'second' })
  await second.waitForLog({ msg: /^jobs from before a restart already had the command run/, count: 1 })
  await until('acknowledged after the restart', () => s.app.farm.jobFile(job.id)!.seenBy?.includes('cluster'), { timeoutMs: 20_000 })
  await until('the state file emptied', () => JSON.parse(readFileSync(stateFile, 'utf8')).submitted.length === 0, { timeoutMs: 5000 })
  await twoMorePolls(polls, 'cluster')
  t.same(lines(calls), ['1 4'], 'the command ran once for the job, across the crash')
  t.equal(await second.stop(), 0)
})
