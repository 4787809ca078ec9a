// The server killed with SIGKILL in the middle of a job and started again: the node keeps
// rendering, reconnects with its session, and the job completes with every frame exactly once.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { restartableFarm } from './restartable-farm.ts'
import { until } from '../helpers/until.ts'

const allFrames = ['0001.png', '0002.png', '0003.png', '0004.png', '0005.png', '0006.png']

/** restartableFarm with frames 1–6 of slow.blend queued, once `frames` of them are done. */
async function jobUnderWay (t: Parameters<typeof restartableFarm>[0], nodeTimeoutSeconds: number, frames: number) {
  const farm = await restartableFarm(t, { nodeTimeoutSeconds })
  const api = await farm.api()
  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/slow.blend', frameStart: 1, frameEnd: 6 })).body
  await until(`${frames} frame(s) done`, async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.counts.done >= frames, { timeoutMs: 180_000 })
  return { ...farm, job }
}

t.test('server killed and restarted mid-job: the job completes, every frame once', async (t) => {
  const { server, start, project, node, job, finished } = await jobUnderWay(t, 30, 2)
  const seen = node.logs.length
  await server.p.kill()
  await until('the node noticing the server gone', () => node.logs.slice(seen).some((e) => e.msg.startsWith('trouble ')), { timeoutMs: 30_000 })
  server.p = await start()
  const done = await finished(job.id)
  t.equal(done.status, 'completed', 'job completed after the restart')
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).sort(), allFrames)
  t.same(done.tasks!.flatMap((x) => x.framesDone!).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'every frame written exactly once')
  t.equal(done.tasks!.flatMap((x) => x.samples!).length, 6, 'one sample per frame: none rendered twice')
  t.equal(node.logs.filter((e) => e.msg === 'connected to the server').length, 1, 'the node kept its session across the restart')
})

t.test('a node silent past the timeout across a server restart claims its own tasks back when it returns', async (t) => {
  const { server, start, project, node, job, api, finished } = await jobUnderWay(t, 3, 1)
  t.teardown(() => { node.proc.kill('SIGCONT') })
  // The node freezes (its Blender renders on), the server dies and comes back, and the node stays
  // silent until the server has given its tasks up and queued them again.
  node.proc.kill('SIGSTOP')
  await server.p.kill()
  server.p = await start()
  const session = await api()
  await until('the silent node\'s tasks queued again', async () => {
    const { counts } = (await session<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
    return counts.active === 0 && counts.queued > 0 ? true : undefined
  }, { timeoutMs: 60_000 })
  node.proc.kill('SIGCONT')
  const done = await finished(job.id)
  t.equal(done.status, 'completed', 'job completed')
  t.same(readdirSync(join(project, 'renders', 'shots', 'slow')).filter((f) => !f.startsWith('.')).sort(), allFrames)
  const samples = done.tasks!.flatMap((x) => x.samples!)
  t.same(samples.map((x) => x.frame).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6], 'one sample per frame: none rendered twice')
  t.same(node.logs.filter((e) => e.msg === 'run stopped' || /refuse/.test(e.msg)), [], 'the node was never told to stop nor refused: it claimed its tasks back')
})
