// What one prenode round asks the cluster for (prenode/batch.ts): the run plan's nodes, at most
// maxNodes, acknowledging only the jobs that got nodes; a server without a plan (an older one)
// gets one node per frame and per video, capped the same; {nodes} in the command.
import t from 'tap'
import type { FarmPrenodeJob } from '../../schemas/generated/types.ts'
import { batchOf, substitute } from '../../prenode/batch.ts'

const job = (id: string, framesLeft: number, more: Partial<FarmPrenodeJob> = {}): FarmPrenodeJob => ({ id, name: id, project: 'demo', created: '2025-07-14T09:00:00Z', priority: 0, video: false, requires: [], framesLeft, ...more })

t.test('the plan\'s nodes, capped; jobs without nodes wait for the next round', async (t) => {
  const planned = batchOf([job('a', 100, { nodes: 10 }), job('b', 5, { nodes: 5 }), job('c', 3, { nodes: 0 })], { maxFrames: 1000, maxNodes: 16 })
  t.match(planned, { ids: ['a', 'b'], perJob: { a: 10, b: 5 }, jobs: 2, nodes: 15, frames: 105 })
  const capped = batchOf([job('a', 100, { nodes: 16 }), job('b', 5, { nodes: 5 })], { maxFrames: 1000, maxNodes: 16 })
  t.match(capped, { ids: ['a'], nodes: 16 }, 'a server plan over this prenode\'s own cap is cut to it')
  t.same(capped.perJob, { a: 16 })
  const older = batchOf([job('a', 40), job('v', 250, { video: true })], { maxFrames: 20, maxNodes: 16 })
  t.match(older, { ids: ['a'], perJob: { a: 16 }, nodes: 16, frames: 20, uncapped: 40 }, 'no plan: a node per frame, capped at maxNodes')
  t.equal(substitute('sbatch --array=1-{nodes} # {jobs} jobs, {frames} frames, {other}', { nodes: 16, jobs: 2, frames: 105 }), 'sbatch --array=1-16 # 2 jobs, 105 frames, {other}')
})
