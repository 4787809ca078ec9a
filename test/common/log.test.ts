// The logger of all three programs (common/log.ts): which form lines take (JSON, or readable at a
// terminal), what a JSON line holds, what a readable line looks like, and a relayed line.
import t from 'tap'
import { Writable } from 'node:stream'
import { createLogger, logFormat, readable, relayLine } from '../../common/log.ts'
import { keptLog, parseLogLine } from '../helpers/logs.ts'

/** A stream keeping what is written to it. */
function sink (): { stream: Writable, text: () => string } {
  let text = ''
  const stream = new Writable({ write (chunk, _enc, done) { text += String(chunk); done() } })
  return { stream, text: () => text }
}

t.test('readable at a terminal, JSON otherwise; RFAM_LOG_FORMAT decides when set', async (t) => {
  t.equal(logFormat({}, { isTTY: true }), 'pretty')
  t.equal(logFormat({}, { isTTY: false }), 'json')
  t.equal(logFormat({}, {}), 'json', 'a pipe or a file has no isTTY')
  t.equal(logFormat({ RFAM_LOG_FORMAT: 'json' }, { isTTY: true }), 'json', 'json asked for at a terminal')
  t.equal(logFormat({ RFAM_LOG_FORMAT: ' Pretty ' }, { isTTY: false }), 'pretty', 'pretty asked for into a file (case and spaces do not matter)')
  t.equal(logFormat({ RFAM_LOG_FORMAT: 'xml' }, { isTTY: true }), 'pretty', 'anything else: the terminal decides')
})

t.test('a JSON line: level as a word, ISO time, the program, the fields and the message', async (t) => {
  const out = sink()
  const log = createLogger({ name: 'node', format: 'json', level: 'info', destination: out.stream })
  log.info({ job: 'j1', project: 'demo', tasks: ['t1'], node: 'pc-a', frames: [1, 2, 3] }, 'rendering')
  log.debug({ job: 'j1' }, 'below the level')
  log.error({ err: new Error('Blender crashed') }, 'run failed')
  const lines = out.text().trimEnd().split('\n')
  t.equal(lines.length, 2, 'one line per event, none below the level')
  const [info, error] = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  t.match(info, { level: 'info', name: 'node', job: 'j1', project: 'demo', tasks: ['t1'], node: 'pc-a', frames: [1, 2, 3], msg: 'rendering' })
  t.match(info!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.type(info!.pid, 'number')
  t.match(error, { level: 'error', msg: 'run failed', err: { type: 'Error', message: 'Blender crashed', stack: /Blender crashed/ } }, 'errors go in err, with their stack')
  t.same(parseLogLine(lines[0]!)?.msg, 'rendering', 'the tests\' parser reads it')
})

t.test('a readable line: the message, then key=value; lists of frames as ranges; long text below', async (t) => {
  const out = sink()
  const log = createLogger({ name: 'prenode', format: 'pretty', colors: false, destination: out.stream })
  log.info({ job: 'j1', tasks: ['t1', 't2'], node: 'pc-a', frames: [1, 2, 3, 4, 7], jobName: 'Shot 010' }, 'rendering')
  log.warn({ prenode: 'slurm', output: 'Submitted batch job 42\nsecond line\n' }, 'command done')
  const [first, ...rest] = out.text().trimEnd().split('\n')
  t.match(first, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(prenode\): rendering job=j1 tasks=t1,t2 node=pc-a frames=1-4,7 jobName="Shot 010"$/)
  t.match(rest, [/^\[[\d:.]+\] WARN \(prenode\): command done prenode=slurm output:$/, '    | Submitted batch job 42', '    | second line'])
  t.notMatch(out.text(), /\{"/, 'no JSON on a terminal')
  t.equal(readable({ msg: 'run failed', level: 'error', time: 1, pid: 2, hostname: 'h', name: 'node', err: { message: 'boom', stack: 'Error: boom\n    at here (x.ts:1:1)' }, retried: false }),
    'run failed err=boom retried=false\n    at here (x.ts:1:1)', 'an error: its message inline, its stack below; what pino-pretty shows itself is left out')
  t.equal(readable({ msg: 'x', frames: [], list: ['a b', 'c'], n: null, o: { a: 1 } }), 'x frames=[] list="a b",c n=null o={"a":1}')
})

t.test('a line of another RFAM program is logged again with its level and fields, and where it came from', async (t) => {
  const { log, entries } = keptLog()
  relayLine(log, JSON.stringify({ level: 'warn', time: '2026-01-01T00:00:00.000Z', pid: 7, hostname: 'h', name: 'node', node: 'local', reason: 'x', msg: 'no sandbox' }), 'local node')
  relayLine(log, JSON.stringify({ level: 'fatal', msg: 'the node cannot start', reason: 'bad file' }), 'local node')
  relayLine(log, 'node:internal/modules/cjs/loader:1228', 'local node')
  t.same(entries, [
    { from: 'local node', node: 'local', reason: 'x', level: 'warn', msg: 'no sandbox' },
    { from: 'local node', reason: 'bad file', level: 'error', msg: 'the node cannot start' },
    { from: 'local node', level: 'warn', msg: 'node:internal/modules/cjs/loader:1228' },
  ])
})
