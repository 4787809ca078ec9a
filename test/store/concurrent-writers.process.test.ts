import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { runChild } from './child-store.ts'

const run = (args: string[]) => runChild('concurrent-writer.ts', args)

t.test('two processes updating different fields of one asset 100 times each lose nothing', async (t) => {
  const s = await startTestServer(t)
  const path = 'props/cake.blend'
  const codes = await Promise.all([
    run([s.config.file, 'demo', path, 'frameStart', '100']),
    run([s.config.file, 'demo', path, 'frameEnd', '100']),
  ])
  t.same(codes, [0, 0])
  const meta = JSON.parse(readFileSync(join(s.projectDir(), path + '.json'), 'utf8'))
  t.equal(meta.frameStart, 100, 'every increment of the first process landed')
  t.equal(meta.frameEnd, 100, 'every increment of the second process landed')
  t.equal(meta.name, 'Cake', 'other fields are untouched')
})

t.test('parallel API edits of different fields of one asset all land', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'mia')
  const url = '/api/projects/demo/assets/props/cake.blend'
  const edits: Promise<unknown>[] = []
  for (let i = 1; i <= 50; i++) {
    edits.push(s.app.inject({ method: 'PATCH', url, headers: { cookie }, payload: { description: `description ${i}` } }))
    edits.push(s.app.inject({ method: 'PATCH', url, headers: { cookie }, payload: { rating: i % 6 } }))
    edits.push(s.app.inject({ method: 'PATCH', url, headers: { cookie }, payload: { support: i % 2 ? ['sam'] : ['sam', 'leo'] } }))
  }
  const replies = await Promise.all(edits) as Array<{ statusCode: number }>
  t.ok(replies.every((r) => r.statusCode === 200), 'every edit answered 200')
  const meta = JSON.parse(readFileSync(join(s.projectDir(), 'props/cake.blend.json'), 'utf8'))
  t.equal(meta.description, 'description 50')
  t.equal(meta.rating, 50 % 6)
  t.same(meta.support, ['sam', 'leo'])
})
