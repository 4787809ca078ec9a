// A prenode's held poll has a timeout too (issue 16 item 5): it asks without waiting until a reply
// says how long the server holds a poll, holds one for that long plus a margin, and a server that
// never answers (frozen) is noticed and logged; it then asks without waiting again, so a server
// restarted with a longer long poll is learned anew. A fake server stands in for the farm.
import t from 'tap'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { HELD_MARGIN_MS } from '../../common/farm-call.ts'
import { Prenode } from '../../prenode/prenode.ts'
import type { PrenodeSettings } from '../../prenode/config.ts'
import { testFolder } from '../helpers/folders.ts'
import { until } from '../helpers/until.ts'
import { keptLog, logMatches } from '../helpers/logs.ts'

t.test('a held poll the server never answers is given up after the long poll and a margin', async (t) => {
  const dir = testFolder(t, 'held-poll')
  const polls: Array<{ wait: boolean, at: number }> = []
  const srv = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => {
      const { wait } = JSON.parse(body) as { wait: boolean }
      polls.push({ wait, at: performance.now() })
      // Frozen for held polls: read, never answered. Quick ones are answered with the long poll.
      if (!wait) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ longPollSeconds: 1, jobs: [] }))
    })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => { srv.closeAllConnections(); srv.close(resolve) }))
  const settings: PrenodeSettings = {
    file: join(dir, 'p.json'),
    name: 'cluster',
    server: `http://127.0.0.1:${(srv.address() as { port: number }).port}`,
    credential: 'rfam_x',
    provides: [],
    command: 'true',
    maxFrames: 10,
    maxNodes: 16,
    checkSeconds: 0.2,
    longPoll: true,
    retrySeconds: 0.2,
    commandTimeoutSeconds: 10,
    stateFile: join(dir, 'state.json'),
    logLevel: 'info',
  }
  const { log, entries } = keptLog()
  const prenode = new Prenode(settings, { log })
  const running = prenode.run()
  await until('a second poll without waiting', () => polls.filter((p) => !p.wait).length >= 2, { timeoutMs: 60_000, stepMs: 100 })
  prenode.stop()
  await running

  const [first, held, again] = polls
  t.equal(first?.wait, false, 'it first asks without waiting, to learn the long poll')
  t.equal(held?.wait, true, 'then holds a poll')
  t.equal(again?.wait, false, 'after the held poll timed out it asks without waiting again')
  const waited = again!.at - held!.at
  t.ok(waited >= 1000 + HELD_MARGIN_MS - 100, `the held poll was given up after the long poll and the margin (${(waited / 1000).toFixed(1)} s)`)
  t.ok(entries.some((e) => logMatches(e, { level: 'warn', msg: /^cannot reach the server asking for jobs/, prenode: 'cluster', reason: 'the server did not answer within 11 s' })), 'the log says why')
})
