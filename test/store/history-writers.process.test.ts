// Two processes (two servers on one share) writing notes on the same asset at the same time, with
// changes of the asset in between: every line lands whole, nothing is lost, nothing is unreadable.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HistoryEvent } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { runChild } from './child-store.ts'

const run = (args: string[]) => runChild('history-writer.ts', args)

t.test('two processes appending 150 notes each to one asset at once lose nothing', async (t) => {
  const s = await startTestServer(t)
  const path = 'props/cake.blend'
  const mia = await logIn(s, 'mia')
  // The running server writes too, through the API, while the two others do.
  const api = (async () => {
    for (let i = 1; i <= 30; i++) t.equal((await mia.api('POST', `/api/projects/demo/notes/${path}`, { text: `server ${i}` })).status, 201)
  })()
  const codes = await Promise.all([
    run([s.config.file, 'demo', path, 'leo', '150']),
    run([s.config.file, 'demo', path, 'sam', '150']),
    api,
  ])
  t.same(codes.slice(0, 2), [0, 0], 'both writers finished')
  const file = join(s.projectDir(), path + '.history.jsonl')
  const raw = readFileSync(file, 'utf8')
  const lines = raw.split('\n')
  t.equal(lines.pop(), '', 'the file ends with a newline')
  const events = lines.map((l) => JSON.parse(l) as HistoryEvent)
  const notes = events.filter((e) => e.kind === 'note')
  t.equal(notes.filter((e) => e.by === 'leo').length, 150, "every one of the first process's notes")
  t.equal(notes.filter((e) => e.by === 'sam').length, 150, "every one of the second's")
  t.equal(notes.filter((e) => e.by === 'mia').length, 30, "every one of the server's")
  t.equal(events.filter((e) => e.kind === 'priority').length, 60, 'every change of the asset between them')
  t.equal(new Set(events.map((e) => e.id)).size, events.length, 'every id once')
  for (const who of ['leo', 'sam']) {
    const order = notes.filter((e) => e.by === who).map((e) => Number(e.text!.split(' ')[1]))
    t.same(order, [...order].sort((a, b) => a - b), `${who}'s notes are in the order written`)
  }
  const history = await mia.api('GET', `/api/projects/demo/history/${path}`)
  t.equal(history.status, 200)
  t.equal(history.body.events.length, events.length, 'the server reads every event (the demo asset was made before: one more)')
  t.same(history.body.unreadable, [], 'and no unreadable line')
})
