// Live updates from the farm are folded: thousands of job and node changes a second reach open
// pages as one announcement per changed job every 200 ms and one for the nodes every second.
import t from 'tap'
import { Announcer, type FarmChange } from '../../server/farm/announcer.ts'
import { ManualClock } from '../../server/farm/clock.ts'

t.test('job changes: one announcement per job, within 200 ms', async (t) => {
  const clock = new ManualClock()
  const sent: FarmChange[] = []
  const a = new Announcer(clock, (c) => sent.push(c), () => ['red', 'blue'])
  for (let i = 0; i < 1000; i++) a.job('red', i % 2 === 0 ? 'job-1' : 'job-2')
  a.job('blue', 'job-3')
  t.same(sent, [], 'nothing yet')
  clock.advance(200)
  t.same(sent, [
    { project: 'red', kind: 'job', path: 'job-1' },
    { project: 'red', kind: 'job', path: 'job-2' },
    { project: 'blue', kind: 'job', path: 'job-3' },
  ])
  clock.advance(5000)
  t.equal(sent.length, 3, 'nothing more without changes')
})

t.test('node changes: every project hears of them, at most once a second', async (t) => {
  const clock = new ManualClock()
  const sent: FarmChange[] = []
  const a = new Announcer(clock, (c) => sent.push(c), () => ['red', 'blue'])
  a.nodesChanged()
  clock.advance(200)
  t.same(sent, [{ project: 'red', kind: 'node' }, { project: 'blue', kind: 'node' }], 'the first change goes out at once (200 ms)')
  for (let ms = 0; ms < 3000; ms += 10) {
    a.nodesChanged()
    clock.advance(10)
  }
  // 3 s of constant changes after the first announcement: about three more, not 300.
  const nodeAnnouncements = sent.filter((c) => c.project === 'red').length
  t.ok(nodeAnnouncements >= 3 && nodeAnnouncements <= 5, `${nodeAnnouncements} announcements to one project in 3.2 s`)
  sent.length = 0
  a.nodesChanged()
  a.job('red', 'job-1')
  a.close()
  t.same(sent, [{ project: 'red', kind: 'job', path: 'job-1' }, { project: 'red', kind: 'node' }, { project: 'blue', kind: 'node' }], 'close sends what is pending')
})

t.test('without listeners nothing is kept', async (t) => {
  const clock = new ManualClock()
  const a = new Announcer(clock, undefined, () => ['red'])
  a.job('red', 'job-1')
  a.nodesChanged()
  clock.advance(2000)
  a.close()
  t.pass('no emit function: no timers, no errors')
})
