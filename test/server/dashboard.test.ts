// The teacher's dashboard through the API of a real server: history files written by the store at
// chosen days and replayed into assets per state per day (a broken line left out and counted), a job
// rendered through the real farm by a node played over HTTP (render hours per person and per shot,
// busy node-hours), the assets blocked waiting on others, and who may ask (staff only, with a sentence).
import t from 'tap'
import type { Dashboard } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { prepareDashboardProject } from '../helpers/dashboard-project.ts'
import { lastDays, spread, dayOf } from '../../server/dashboard/days.ts'

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
