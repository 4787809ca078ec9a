// common/sleep.ts: a stop ends the wait at once, and waits that end on their own leave no listener
// on the stop signal (the node's and prenode's retries used to add one each, for good).
import t from 'tap'
import { getEventListeners } from 'node:events'
import { sleepUnlessAborted } from '../../common/sleep.ts'

t.test('a thousand waits leave no listener behind', async (t) => {
  const stop = new AbortController()
  for (let i = 0; i < 1000; i++) await sleepUnlessAborted(0, stop.signal)
  t.equal(getEventListeners(stop.signal, 'abort').length, 0)
})

t.test('a stop ends a long wait at once, and a stopped signal does not wait', async (t) => {
  const stop = new AbortController()
  const started = Date.now()
  const waiting = sleepUnlessAborted(60_000, stop.signal)
  stop.abort()
  await waiting
  await sleepUnlessAborted(60_000, stop.signal)
  t.ok(Date.now() - started < 5000, 'both ended without their minute')
})
