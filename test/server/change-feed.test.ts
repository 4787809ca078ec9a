// One project's live-update messages: changes within 100 ms become one message for every open page;
// a page hears only of changes made after it opened; a page that left hears nothing more.
import t from 'tap'
import { ChangeFeed } from '../../server/routes/api/change-feed.ts'
import type { ProjectChange } from '../../server/store/workspace.ts'
import { until } from '../helpers/until.ts'

const change = (path: string): ProjectChange => ({ project: 'demo', kind: 'asset', path })
const data = (message: string) => JSON.parse(/^data: (.*)$/m.exec(message)![1]!) as { changes: ProjectChange[], more: boolean }
const paths = (messages: string[]) => messages.map((m) => data(m).changes.map((c) => c.path))

t.test('changes close together are one message; pages that opened later hear only what came after', async (t) => {
  const feed = new ChangeFeed()
  t.teardown(() => feed.close())
  const early: string[] = []
  const late: string[] = []
  const gone: string[] = []
  feed.open((m) => early.push(m))
  const leave = feed.open((m) => gone.push(m))
  feed.add(change('a'))
  feed.add(change('b'))
  feed.open((m) => late.push(m))
  feed.add(change('c'))
  leave()
  await until('the first message', () => early.length)
  t.match(early[0], /^event: change\ndata: .*\n\n$/, 'a server-sent event')
  t.same(paths(early), [['a', 'b', 'c']], 'one message with every change')
  t.same(paths(late), [['c']], 'only what changed after the page opened')
  t.same(gone, [], 'nothing for a page that left')
  feed.add(change('d'))
  await until('the second message', () => early.length === 2 && late.length === 2)
  t.same(paths(early).at(-1), ['d'])
  t.same(paths(late).at(-1), ['d'], 'the next message is the same for everyone')
})

t.test('a page that opened after the last change hears nothing of it', async (t) => {
  const feed = new ChangeFeed()
  t.teardown(() => feed.close())
  const earlier: string[] = []
  feed.open((m) => earlier.push(m))
  feed.add(change('a'))
  const late: string[] = []
  feed.open((m) => late.push(m))
  await until('the message to the page that was open', () => earlier.length)
  t.same(late, [])
})

t.test('more than 200 changes: the first 200 and a word that there were more', async (t) => {
  const feed = new ChangeFeed()
  t.teardown(() => feed.close())
  const got: string[] = []
  feed.open((m) => got.push(m))
  for (let i = 0; i < 250; i++) feed.add(change(`p${i}`))
  await until('the message', () => got.length)
  t.equal(data(got[0]!).changes.length, 200)
  t.equal(data(got[0]!).more, true)
})
