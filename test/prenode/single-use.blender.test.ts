// Single-use nodes, as a cluster starts them: real node processes with real Blender against a
// real server. One takes one round of work, renders it, reports and exits 0; one that finds
// nothing exits 3; --single-use and --name override the configuration file; jitter delays the
// first contact; a bad --name is refused before anything else.
import t from 'tap'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { copyScene } from '../node/harness.ts'
import { startTs } from '../helpers/processes.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'
import { logMatches, type LogPattern } from '../helpers/logs.ts'

function nodeConfig (t: { teardown: (fn: () => void) => void }, fields: Record<string, unknown>): string {
  const dir = testFolder(t, 'single')
  const file = join(dir, 'node.json')
  writeFileSync(file, JSON.stringify({ processes: [1], nice: 0, ...fields }))
  return file
}

t.test('a single-use node renders one round, reports it and exits 0; with nothing to do it exits 3', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { heartbeatSeconds: 1, longPollSeconds: 1 } } })
  copyScene('tiny.blend', join(s.projectDir(), 'shots'))
  const credential = await s.app.farm.credentials.create('cluster')
  const { api } = await logIn(s.url, 'alex')
  const config = nodeConfig(t, { name: 'from-file', server: s.url, credential, shares: [{ ident: 'data', path: s.config.shares.root('data') }] })

  const job = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/tiny.blend', frameStart: 1, frameEnd: 2 })).body
  const node = startTs(t, 'node/main.ts', ['--config', config, '--single-use', '--name', 'array-7'], { label: 'array-7' })
  t.equal(await node.exited, 0, 'exit status 0: it did work')
  const said = (pattern: LogPattern) => node.logs.some((e) => logMatches(e, pattern))
  t.ok(said({ msg: 'connected to the server', node: 'array-7' }), '--name overrides the file')
  t.ok(said({ msg: 'run finished', job: job.id, jobName: 'tiny', node: 'array-7' }))
  t.ok(said({ msg: 'node stopped', node: 'array-7' }), 'it signed off')
  const view = (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body
  const rendered = view.tasks!.flatMap((x) => x.framesDone ?? [])
  t.ok(rendered.length >= 1, `it rendered its round (frames ${rendered.join(', ')})`)
  t.ok(rendered.every((f) => existsSync(join(s.projectDir(), 'renders', 'shots', 'tiny', `000${f}.png`))), 'its frames are on disk')
  // A single-use node that finished is folded into its array's one line (node-arrays.ts).
  const list = (await api<{ nodes: Array<{ name: string }>, arrays: Array<{ name: string, nodes: number, frames: number }> }>('GET', '/api/farm/nodes')).body
  t.notOk(list.nodes.some((n) => n.name === 'array-7'), 'the server knows it left: not among the nodes at work')
  t.match(list.arrays.find((a) => a.name === 'array'), { nodes: 1, frames: rendered.length }, 'its array\'s line counts it and its frames')

  // Let the rest of the job finish with another single-use node, then nothing is left.
  if (rendered.length < 2) {
    const second = startTs(t, 'node/main.ts', ['--config', config, '--single-use', '--name', 'array-8'], { label: 'array-8' })
    t.equal(await second.exited, 0)
  }
  await until('job completed', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${job.id}`)).body.status === 'completed', { timeoutMs: 60_000 })
  t.same(readdirSync(join(s.projectDir(), 'renders', 'shots', 'tiny')).sort(), ['0001.png', '0002.png'])

  const idle = startTs(t, 'node/main.ts', ['--config', config, '--single-use', '--name', 'array-9'], { label: 'array-9' })
  t.equal(await idle.exited, 3, 'exit status 3: there was nothing to do')
  t.notOk(idle.logs.some((e) => e.msg === 'rendering'))
})

t.test('singleUse and jitterSeconds from the configuration file; a bad --name is refused', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 1 } } })
  const credential = await s.app.farm.credentials.create('cluster')
  const config = nodeConfig(t, { name: 'jittery', server: s.url, credential, shares: [{ ident: 'data', path: s.config.shares.root('data') }], singleUse: true, jitterSeconds: 1 })
  const node = startTs(t, 'node/main.ts', ['--config', config], { label: 'jittery' })
  t.equal(await node.exited, 3, 'single use from the file: nothing to do, status 3')
  t.ok(node.logs.some((e) => logMatches(e, { msg: 'connected to the server', node: 'jittery' })))

  const bad = startTs(t, 'node/main.ts', ['--config', config, '--name', '../etc'], { label: 'bad' })
  t.equal(await bad.exited, 2)
  t.match(bad.lines.join('\n'), /--name "\.\.\/etc" cannot name a node/)
  const missing = startTs(t, 'node/main.ts', ['--config', config, '--name'], { label: 'missing' })
  t.equal(await missing.exited, 2)
})
