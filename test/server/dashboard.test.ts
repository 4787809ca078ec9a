// The teacher's dashboard through the API of a real server: history files written by the store at
// chosen days and replayed into assets per state per day (a broken line left out and counted), a job
// rendered through the real farm by a node played over HTTP (render hours per person and per shot,
// busy node-hours), the assets blocked waiting on others, and who may ask (staff only, with a sentence);
// then the replay and the blocked assets on their own, with the odd cases.
import t from 'tap'
import type { AssetView, Dashboard, HistoryEvent, State } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { prepareDashboardProject } from '../helpers/dashboard-project.ts'
import { lastDays, spread, dayOf } from '../../server/dashboard/days.ts'
import { statesPerDay } from '../../server/dashboard/state-days.ts'
import { blockedAssets } from '../../server/dashboard/blocked.ts'

t.test('the dashboard of a prepared week', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const expected = await prepareDashboardProject(s)
  const teacher = await logIn(s, 'teacher', { secret: '1234' })
  const got = await teacher.api<Dashboard>('GET', '/api/projects/demo/dashboard')
  t.equal(got.status, 200, JSON.stringify(got.body))
  const d = got.body
  t.equal(d.days.length, 7, 'a week by default')
  const today = new Date()
  t.equal(d.days.at(-1), `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`, 'today last')
  const states = Object.fromEntries(d.states.map((s) => [s.state, s.counts]))
  t.same(states, expected.states, 'assets per state per day, replayed from the history')
  t.same(d.states.map((s) => s.state), ['ns', 'ic', 'mod', 'us'].filter((s) => s in expected.states), 'in the order of work')
  t.equal(d.unreadable, 2, 'the two broken lines are left out and counted')

  t.same(d.renderHours.people, [{ person: 'leo', hours: expected.leoHours }], 'Leo sent the render: two frames of half an hour')
  t.same(d.renderHours.shots, [{ path: 'shots/shot_010_intro.blend', name: 'Shot 010 Intro', hours: 1 }], 'per shot, with its name')
  t.equal(d.farm.nodes, 1)
  t.equal(Math.round(d.farm.busyHours.reduce((a, b) => a + b, 0) * 100) / 100, expected.busyHoursTotal,
    'two frames written at the same moment by one node: half an hour of that node, not one hour')

  t.same(d.blocked.map((b) => [b.path, b.waitsFor.map((w) => `${w.path}:${w.owner}`)]), [
    ['shots/shot_020_heist.blend', ['characters/chef_bun.blend:alex', 'sets/kitchen.blend:sam']],
    ['shots/shot_010_intro.blend', ['sets/kitchen.blend:sam']],
  ], 'shots waiting for the kitchen and the chef (the cake is usable), highest priority first')

  t.equal((await teacher.api('GET', '/api/projects/demo/dashboard?days=30')).body.days.length, 30)
  for (const bad of ['0', '61', 'x', '-1']) {
    const res = await teacher.api('GET', `/api/projects/demo/dashboard?days=${bad}`)
    t.equal(res.status, 400, `days=${bad} is refused`)
  }
  t.match((await teacher.api('GET', '/api/projects/demo/dashboard?days=61')).body.message, /60/, 'saying how many may be asked')
})

t.test('students are refused with a sentence', async (t) => {
  const s = await startTestServer(t)
  const mia = await logIn(s, 'mia')
  const res = await mia.api('GET', '/api/projects/demo/dashboard')
  t.equal(res.status, 403)
  t.match(res.body.message, /teacher's dashboard/, 'says what only staff may do')
  t.equal((await s.app.inject({ method: 'GET', url: '/api/projects/demo/dashboard' })).statusCode, 401, 'nobody logged in: 401')
})

t.test('days: calendar days, time split at midnight', async (t) => {
  const now = new Date(2026, 5, 10, 15, 0).getTime()
  const days = lastDays(3, now)
  t.same(days.keys, ['2026-06-08', '2026-06-09', '2026-06-10'])
  t.equal(dayOf(days, new Date(2026, 5, 9, 0, 0).getTime()), 1)
  t.equal(dayOf(days, new Date(2026, 5, 7, 23, 59).getTime()), -1)
  const into = [0, 0, 0]
  spread(days, new Date(2026, 5, 8, 23, 0).getTime(), new Date(2026, 5, 9, 2, 0).getTime(), into)
  t.same(into, [3600, 7200, 0], 'an interval over midnight goes to both days')
})

t.test('the replay: from when an asset exists, in the state before its first change, odd lines left out', async (t) => {
  const now = new Date(2026, 5, 10, 15, 0).getTime()
  const days = lastDays(3, now)
  const at = (day: number, hour = 12) => new Date(2026, 5, 8 + day, hour).toISOString()
  const e = (kind: HistoryEvent['kind'], when: string, more: Partial<HistoryEvent> = {}): HistoryEvent => ({ id: 'abcdefgh12', at: when, by: 'mia', kind, ...more })
  const counts = statesPerDay([
    { state: 'us', events: [] }, // no history: in its state now, every day
    { state: 'ic', events: [e('created', at(1)), e('state', at(1, 13), { from: 'ns', to: 'ic' })] }, // made on day 1
    { state: 'us', events: [e('state', at(2), { from: 'ic', to: 'us' }), e('state', at(0), { from: 'ns', to: 'ic' })] }, // lines out of order
    { state: 'ns', events: [e('state', 'not a time', { from: 'x', to: 'y' }), e('state', at(1), { from: 'ns', to: null })] }, // nothing usable
    { state: 'ns', created: at(2, 9), events: [] }, // the sidecar says when it was made
  ], days, now)
  t.same(Object.fromEntries(counts), { us: [1, 1, 2], ic: [1, 2, 1], ns: [1, 1, 2] })
})

t.test('blocked: waiting on early states, broken or missing assets named by hand; linked files that are no asset do not block', async (t) => {
  const view = (path: string, state: string, dependencies: string[], more: Partial<AssetView['meta']> = {}): AssetView =>
    ({ path, truePriority: 0, file: null, dependencies, dependents: [], meta: { name: path, type: 'prop', state, priority: 0, owner: 'mia', ...more } })
  const views = [
    view('a', 'ns', ['b', 'c', 'lib.blend', 'gone.blend', 'broken'], { dependencies: ['gone.blend'] }),
    view('b', 'us', []),
    view('c', 'mod', [], { owner: 'alex' }),
    view('done', 'po', ['c']),
    { path: 'broken', truePriority: 0, file: null, dependencies: [], dependents: [], broken: 'bad JSON' },
  ]
  const states = new Map(Object.entries({ ns: { boost: true }, mod: { boost: true }, us: { boost: false }, po: { done: true } })) as Map<string, State>
  const blocked = blockedAssets(views, new Map(views.map((v) => [v.path, v])), states)
  t.same(blocked.map((b) => [b.path, b.waitsFor.map((w) => `${w.path}:${w.owner}`)]), [['a', ['c:alex', 'gone.blend:null', 'broken:null']]])
})
