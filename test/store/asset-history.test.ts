// Notes and history on real files: the history file beside a sidecar (one event a line, only appended
// to), read back newest first; lines edited by hand into garbage shown as unreadable and kept, never
// dropped by the next append; copies merged by a sync tool counted once; and, through the project
// store, every change, creation, checkpoint and deletion recorded with who, the file never taken for
// an asset, and moved to old/ with its asset.
import t from 'tap'
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { HistoryEvent } from '../../schemas/generated/types.ts'
import { loadConfig } from '../../server/config/load-config.ts'
import { loadConfiguredDefaultsSets } from '../../server/store/defaults-sets.ts'
import { ProjectStore } from '../../server/store/project-store.ts'
import { AssetHistory, fieldEvents, mentionsIn } from '../../server/store/asset-history.ts'
import { HistoryReader } from '../../server/store/history-file.ts'
import { writeTestConfig } from '../helpers/server.ts'
import { testFolder, type Tap } from '../helpers/folders.ts'

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean)

function historyIn (t: Tap, name = 'history'): { dir: string, history: AssetHistory } {
  const dir = testFolder(t, name)
  return { dir, history: new AssetHistory(dir, (path) => join(dir, path + '.json'), () => []) }
}

async function projectStore (t: Tap): Promise<ProjectStore> {
  const dir = testFolder(t, 'project')
  const config = loadConfig(writeTestConfig(dir))
  const store = new ProjectStore({
    ident: 'p',
    root: join(dir, 'project'),
    rescanSeconds: 0,
    watch: false,
    defaultsSets: loadConfiguredDefaultsSets(config),
    defaultSet: config.defaultSet,
    members: () => ['mia', 'leo', 'sam'],
  })
  t.teardown(() => store.close())
  await store.start()
  return store
}

t.test('events are appended one a line and read back newest first', async (t) => {
  const { dir, history } = historyIn(t)
  const changes: string[] = []
  history.on('change', (path: string) => changes.push(path))
  await history.record('cake.blend', [{ by: 'mia', kind: 'note', text: 'first' }])
  await history.record('cake.blend', [{ by: 'leo', kind: 'state', from: 'todo', to: 'done' }, { by: 'leo', kind: 'priority', from: 1, to: 3 }])
  const file = join(dir, 'cake.blend.history.jsonl')
  t.equal(lines(file).length, 3, 'one line per event')
  t.ok(readFileSync(file, 'utf8').endsWith('\n'), 'the file ends with a newline')
  const { events, unreadable, more } = await history.timeline('cake.blend')
  t.same(events.map((e) => e.kind).sort(), ['note', 'priority', 'state'])
  t.equal(events.at(-1)!.text, 'first', 'the oldest comes last')
  t.same(unreadable, [])
  t.equal(more, false)
  t.same(new Set(events.map((e) => e.id)).size, 3, 'each event has its own id')
  t.same(changes, ['cake.blend', 'cake.blend'], 'each append is announced once')
  const notes = await history.timeline('cake.blend', { kind: 'note', limit: 1 })
  t.same(notes.events.map((e) => e.text), ['first'], 'only the notes, at most one')
  t.same((await history.timeline('nothing.blend')).events, [], 'an asset without history has an empty one')
})

t.test('a history file edited by hand into garbage: good lines shown, bad ones listed and kept', async (t) => {
  const { dir, history } = historyIn(t)
  await history.record('cake.blend', [{ by: 'mia', kind: 'note', text: 'keep me' }])
  const file = join(dir, 'cake.blend.history.jsonl')
  // Someone's editor: a line of garbage, an event with a field nobody knows, an empty line, and a
  // last line without its newline.
  appendFileSync(file, 'this is not JSON {{{\n{"id":"abcdefgh12","at":"2026-07-01T10:00:00Z","by":"mia","kind":"note","html":"<b>x</b>"}\n\n[1,2,3]')
  const before = readFileSync(file)
  const read = await history.timeline('cake.blend')
  t.same(read.events.map((e) => e.text), ['keep me'], 'the good event is there')
  t.same(read.unreadable.map((u) => u.line), [2, 3, 5], 'the bad lines are named by number')
  t.notMatch(JSON.stringify(read.unreadable), /html|<b>|not JSON \{/, 'their text is never quoted')
  await history.record('cake.blend', [{ by: 'leo', kind: 'note', text: 'after the garbage' }])
  const after = readFileSync(file)
  t.same(after.subarray(0, before.length), before, 'nothing of the file was changed or dropped')
  t.equal(after.toString('utf8', before.length, before.length + 1), '\n', 'the unfinished last line got its newline first')
  const again = await history.timeline('cake.blend')
  t.same(again.events.map((e) => e.text), ['after the garbage', 'keep me'], 'the new note is readable')
  t.same(again.unreadable.map((u) => u.line), [2, 3, 5], 'the bad lines are still listed, still kept')
})

t.test('two copies merged by a sync tool: each event once, in time order; a replaced file is read again', async (t) => {
  const { dir, history } = historyIn(t)
  const [a] = await history.record('cake.blend', [{ by: 'mia', kind: 'note', text: 'from server A' }])
  const file = join(dir, 'cake.blend.history.jsonl')
  t.equal((await history.timeline('cake.blend')).events.length, 1)
  // The tool writes a new file (a new inode) holding both servers' lines, one of them twice.
  const b: HistoryEvent = { id: 'fromServerB1', at: new Date(Date.parse(a!.at) - 60_000).toISOString(), by: 'leo', kind: 'note', text: 'from server B' }
  writeFileSync(file + '.merged', [JSON.stringify(a), JSON.stringify(b), JSON.stringify(a)].join('\n') + '\n')
  renameSync(file + '.merged', file)
  const { events } = await history.timeline('cake.blend')
  t.same(events.map((e) => e.text), ['from server A', 'from server B'], 'the same event twice counts once; newest first')
})

t.test('a write that appends to a file read before is read from where the reading stopped', async (t) => {
  const { dir, history } = historyIn(t)
  await history.record('a.blend', [{ by: 'mia', kind: 'note', text: 'one' }])
  t.equal((await history.timeline('a.blend')).events.length, 1)
  // Another server appends (not through this AssetHistory).
  const other = new AssetHistory(dir, (path) => join(dir, path + '.json'), () => [])
  await other.record('a.blend', [{ by: 'leo', kind: 'note', text: 'two' }])
  t.same((await history.timeline('a.blend')).events.map((e) => e.text), ['two', 'one'])
})

t.test('a history file larger than the reading limit: its end is read, and the answer says there is more', async (t) => {
  const dir = testFolder(t, 'large')
  const history = new AssetHistory(dir, (path) => join(dir, path + '.json'), () => [], new HistoryReader(10, 2000))
  for (let i = 0; i < 40; i++) await history.record('big.blend', [{ by: 'mia', kind: 'note', text: `note ${i}` }])
  const { events, unreadable, more } = await history.timeline('big.blend')
  t.ok(events.length > 5 && events.length < 40, `only the end is read (${events.length} of 40 events)`)
  t.equal(events[0]!.text, 'note 39', 'the newest are there')
  t.same(unreadable, [], 'the line cut in half at the start of the end is not counted as unreadable')
  t.equal(more, true, 'the answer says older events were left out')
})

t.test('field changes: one event per field people care about', async (t) => {
  const before = { name: 'Cake', description: '', type: 'prop', state: 'todo', priority: 1, owner: null, support: ['sam'], dependencies: ['a.blend'] }
  const after = { ...before, state: 'done', owner: 'mia', support: [], dependencies: ['a.blend'], rating: 4 }
  const events = fieldEvents(before as never, after as never, 'leo')
  t.same(events, [
    { by: 'leo', kind: 'state', from: 'todo', to: 'done' },
    { by: 'leo', kind: 'owner', from: null, to: 'mia' },
    { by: 'leo', kind: 'helpers', from: ['sam'], to: [] },
  ], 'rating is no such field; dependencies did not change')
  t.same(fieldEvents(before as never, { ...before, support: ['sam'] } as never, 'leo'), [], 'nothing changed, nothing recorded')
})

t.test('mentions: people of the project only; anyone else is text', async (t) => {
  const members = new Set(['leo', 'mia', 'sam-2'])
  t.same(mentionsIn('@leo and @Mia, look! (@sam-2.)', members), ['leo', 'mia', 'sam-2'])
  t.same(mentionsIn('@nobody @teacher mail@leo.com', members), [], 'not in the project, or an e-mail address')
  t.same(mentionsIn('@leo @leo', members), ['leo'], 'once each')
})

t.test('the project store records who changed what, made, copied and deleted an asset', async (t) => {
  const store = await projectStore(t)
  const { path } = await store.create({ name: 'Cake', type: 'prop' }, 'mia')
  await store.update(path, { state: store.get(path).meta!.state, priority: 5, owner: 'leo', support: ['sam'] }, 'mia')
  await store.update(path, { description: 'round' }) // no one named: nothing recorded (farm statistics, seeding)
  await store.update(path, { name: 'Big Cake' }, 'leo')
  const copy = await store.checkpoint(path, 'leo')
  const { events } = await store.history.timeline(path)
  t.same(events.map((e) => [e.kind, e.by, e.to]).reverse(), [
    ['created', 'mia', 'Cake'],
    ['owner', 'mia', 'leo'],
    ['priority', 'mia', 5],
    ['helpers', 'mia', ['sam']],
    ['name', 'leo', 'Big Cake'],
    ['checkpoint', 'leo', undefined],
  ])
  t.equal(events[0]!.checkpoint, copy, 'the checkpoint says where the copy is')
  t.notOk(store.index.entries.has(path + '.history.jsonl'), 'the history file is no asset')
  t.equal(store.views().list.length, 1, 'one asset in the project')

  // A note picture's folder is never walked, nor taken for assets.
  mkdirSync(join(store.root, path + '.notes'), { recursive: true })
  writeFileSync(join(store.root, path + '.notes', 'x.json'), '{}')
  await store.index.rescan()
  t.equal(store.views().list.length, 1, 'nothing in <file>.notes/ is an asset')

  const target = await store.delete(path, 'sam')
  t.notOk(existsSync(join(store.root, path + '.history.jsonl')), 'the history went with the asset')
  t.notOk(existsSync(join(store.root, path + '.notes')), 'so did its note pictures')
  const moved = join(store.root, target + '.history.jsonl')
  t.ok(existsSync(moved), 'beside the asset in old/')
  t.ok(existsSync(join(store.root, target + '.notes', 'x.json')), 'the note pictures beside it in old/')
  t.equal(JSON.parse(lines(moved).at(-1)!).kind, 'deleted', 'its last event: deleted, by whom')
  t.same(readdirSync(join(store.root, 'props', 'old')).filter((n) => n.startsWith(basename(target))).map((n) => n.slice(basename(target).length)).sort(),
    ['', '.history.jsonl', '.json', '.notes'], 'file, sidecar, history and pictures together')
  const today = await store.history.today(Date.now() - 60_000)
  t.equal(today.items[0]?.event.kind, 'deleted', "today's feed still tells of it")
})
