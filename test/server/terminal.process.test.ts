// At a terminal the programs write readable lines, not JSON (common/log.ts): the server run as
// `npm start` runs it, inside a pseudo-terminal (script(1)), still prints where to open RFAM, and
// its log lines (here a damaged user file) are words and key=value fields; a prenode's too.
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { serverBundle } from '../helpers/server-process.ts'
import { startTestServer, writeTestConfig } from '../helpers/server.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'
import { until } from '../helpers/until.ts'

const noScript = spawnSync('script', ['--version']).status === 0 ? false : 'script(1) (util-linux) is not installed'

/** Runs a command in a pseudo-terminal; its output without colours and carriage returns. */
function inTerminal (t: Tap, command: string, env: NodeJS.ProcessEnv) {
  const { RFAM_LOG_FORMAT: _asked, ...inherited } = process.env
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: { ...inherited, ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
  let raw = ''
  child.stdout.on('data', (d: Buffer) => { raw += d.toString() })
  child.stderr.on('data', (d: Buffer) => { raw += d.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A program that stops by itself (the port in use) may be gone between the look below and the
  // write: its closed stdin is then no error of the test's.
  child.stdin.on('error', () => {})
  /** Ctrl-C, as a person stops it (script(1) would kill it outright on a signal of its own). */
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.stdin.write('\x03')
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone */ } }, 15_000)
    await exited
    clearTimeout(timer)
  }
  t.teardown(stop)
  const output = () => raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '') // eslint-disable-line no-control-regex
  return { output, stop }
}

t.test('npm start at a terminal: the address in words, log lines readable', { skip: noScript }, async (t) => {
  const dir = testFolder(t, 'server')
  const config = writeTestConfig(dir, { logLevel: 'info', demo: true })
  mkdirSync(join(dir, 'users'), { recursive: true })
  writeFileSync(join(dir, 'users', 'broken.json'), '{ "name": ')
  const server = inTerminal(t, `"${process.execPath}" "${await serverBundle()}"`, { RFAM_CONFIG: config })
  const url = (await until('the address', () => /RFAM is running: open (http:\/\/\S+)/.exec(server.output())?.[1], { timeoutMs: 60_000 }))
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'the banner of before, with the address')
  const out = server.output()
  t.match(out, /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN \(server\): damaged file kind=user file=users\/broken\.json .*reason=/m, 'a damaged file, in words and fields')
  t.notMatch(out, /^\{"level"/m, 'no JSON line')
  await server.stop()
})

t.test('npm start at a terminal, logLevel not set: one block (address, log-in, render node, stop), then only problems', { skip: noScript }, async (t) => {
  const dir = testFolder(t, 'server')
  const file = writeTestConfig(dir, { demo: true })
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  delete config.logLevel // as config/server.json ships
  writeFileSync(file, JSON.stringify(config))
  const server = inTerminal(t, `"${process.execPath}" "${await serverBundle()}"`, { RFAM_CONFIG: file })
  await until('the block', () => /Stop: .*\n/.test(server.output()), { timeoutMs: 60_000 })
  await new Promise((resolve) => setTimeout(resolve, 1000)) // anything logged right after it
  const lines = server.output().split('\n').filter((l) => l.trim() !== '')
  t.match(lines[0], /^RFAM is running: open http:\/\/127\.0\.0\.1:\d+\/$/, 'the address first')
  t.match(lines[1], /^ {2}Log in: +pick the project, then your face\. The demo team was just created: the teacher is "Teacher", PIN 1234\.$/)
  t.match(lines[2], /^ {2}Render node: +none on this computer \("localNode" is off/)
  t.match(lines[3], /^ {2}Stop: +Ctrl\+C\. Only problems are shown below/)
  t.equal(lines.length, 4, `nothing else: no "Server listening", no JSON, no info lines\n${lines.join('\n')}`)
  await server.stop()
})

t.test('npm start a second time: the port in use, said in words with what to do', { skip: noScript }, async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as AddressInfo).port
  const dir = testFolder(t, 'server')
  const file = writeTestConfig(dir, { port, logLevel: 'info' })
  const server = inTerminal(t, `"${process.execPath}" "${await serverBundle()}"`, { RFAM_CONFIG: file })
  const line = await until('the refusal', () => /^.*FATAL \(server\): RFAM cannot start.*$/m.exec(server.output())?.[0], { timeoutMs: 60_000 })
  t.match(line, `reason="Another program (perhaps RFAM, started before) already answers at 127.0.0.1:${port}. Stop it (Ctrl+C in its terminal), or give RFAM another \\"port\\" in its configuration file."`)
  t.notMatch(server.output(), /at Server\.setupListenHandle|node:net/, 'no stack trace')
})

t.test('a prenode at a terminal: readable lines', { skip: noScript }, async (t) => {
  const s = await startTestServer(t, { listen: true })
  const dir = testFolder(t, 'prenode')
  const file = join(dir, 'prenode.json')
  writeFileSync(file, JSON.stringify({ name: 'tty', server: s.url, credential: await s.app.farm.credentials.create('tty'), command: 'true' }))
  const prenode = inTerminal(t, `"${process.execPath}" --import tsx prenode/main.ts --config "${file}"`, {})
  await until('the prenode watching', () => / INFO \(prenode\): prenode watching prenode=tty server=http/.test(prenode.output()), { timeoutMs: 60_000 })
  await prenode.stop()
  t.match(prenode.output(), /INFO \(prenode\): prenode stopped prenode=tty$/m, 'stopped, in words')
  t.notMatch(prenode.output(), /\{"level"/, 'no JSON')
})
