// A render node without the share: a real node started with no share, its cache in a folder tree
// of its own, renders a real .blend (made by Blender in the test) that links a library and uses a
// texture (by relative paths, and in a second file by absolute ones). It fetches the job's files from the server, renders them in its job folder (in its
// sandbox) and sends each frame back: the frames appear in the project as if rendered on the share.
// A second job of the same files moves nothing. A job whose .blend is gone before the node asks for
// it fails with a sentence saying so; a node whose cache is too small refuses with a sentence of the
// language files.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView, Language } from '../../schemas/generated/types.ts'
import { fill } from '../../common/sentences.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'
import { farmWithScenes } from './harness.ts'
import { BLENDER, noBlender } from '../blend/blender-fixtures.ts'

const german = JSON.parse(readFileSync(join(repoRoot, 'config', 'languages', 'de.json'), 'utf8')) as Language

t.test('a node without the share renders a shot with a library and a texture; the frames land in the project', { skip: noBlender }, async (t) => {
  const { s, project, api, node, finished } = await farmWithScenes(t, [])
  execFileSync(BLENDER, ['-b', '--factory-startup', '--python-exit-code', '1', '--python', join(import.meta.dirname, 'make-linked.py'), '--', project], { stdio: 'pipe', timeout: 120_000 })
  const cacheDir = join(testFolder(t, 'elsewhere'), 'cache')
  const far = await node('far-away', [0], { shares: [], noShare: true, cacheDir })
  const ready = () => far.logs.filter((e) => e.msg === 'job files ready')

  const sent = await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party.blend' })
  t.equal(sent.status, 201)
  const done = await finished(sent.body.id)
  t.equal(done.status, 'completed', done.message ?? '')
  t.equal(done.counts.done, 2)
  t.same(done.warnings, [], 'the library and the texture came along: nothing missing')
  t.same(readdirSync(join(project, 'renders', 'shots', 'party')).filter((n) => n.endsWith('.png')).sort(), ['0001.png', '0002.png'], 'the frames are in the project')
  t.equal(ready().length, 1)
  t.ok(Number(ready()[0]!.bytes) > 0, 'the first job fetched its files')
  t.ok(readdirSync(join(cacheDir, 'blobs')).length >= 3, 'the .blend, the library and the texture are in the node\'s cache')
  t.notOk(existsSync(join(s.config.shares.root('data'), '..', 'cache')), 'nothing of the node is on the share')

  const again = await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party.blend' })
  const second = await finished(again.body.id)
  t.equal(second.status, 'completed')
  t.equal(ready().length, 2)
  t.equal(ready()[1]!.bytes, 0, 'the second job of the same files moved 0 bytes')
  t.equal(ready()[1]!.fetched, 0)

  // The same shot saved with absolute paths (the server's project folder): the node's job folder
  // stands at that path inside its sandbox, so they resolve there too.
  const absolute = await finished((await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party_absolute.blend' })).body.id)
  t.equal(absolute.status, 'completed', absolute.message ?? '')
  t.same(absolute.warnings, [], 'absolute paths inside the project resolve on the node: nothing missing')
  t.same(readdirSync(join(project, 'renders', 'shots', 'party_absolute')).filter((n) => n.endsWith('.png')).sort(), ['0001.png', '0002.png'])

  // Sent while the file is there, taken away before the node asks for it.
  const gone = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party.blend', frameStart: 1, frameEnd: 1, paused: true })).body
  rmSync(join(project, 'shots', 'party.blend'))
  await api('PATCH', `/api/projects/demo/jobs/${gone.id}`, { action: 'resume' })
  const failed = await finished(gone.id)
  t.equal(failed.status, 'failed')
  t.match(failed.lastFailure?.message, /cannot be sent to a node: shots\/party\.blend is not there any more\. Put the file back/, 'the job says which file is gone and what to do')
})

t.test('a node whose cache cannot hold the job refuses it with a sentence pages show in their reader\'s language', { skip: noBlender }, async (t) => {
  const { project, api, node } = await farmWithScenes(t, [])
  execFileSync(BLENDER, ['-b', '--factory-startup', '--python-exit-code', '1', '--python', join(import.meta.dirname, 'make-linked.py'), '--', project], { stdio: 'pipe', timeout: 120_000 })
  await node('small-cache', [0], { shares: [], noShare: true, cacheDir: join(testFolder(t, 'small'), 'cache'), cacheLimitGB: 0.000001 })
  const sent = (await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/party.blend', frameStart: 1, frameEnd: 1 })).body
  const failure = await until('the refusal reaches the job', async () => (await api<JobView>('GET', `/api/projects/demo/jobs/${sent.id}`)).body.lastFailure)
  t.match(failure.message, /^This job's files take 0\.\d\d GB, more than this node's cache may hold \(cacheLimitGB: 0\.00 GB\): raise cacheLimitGB/)
  t.equal(failure.sentence?.key, 'noderun:cache-limit', 'kept as a sentence of the language files')
  t.match(fill(german.strings[failure.sentence!.key]!, failure.sentence!.params as Record<string, string>), /^Die Dateien dieses Auftrags brauchen 0\.\d\d GB, mehr als der Zwischenspeicher dieses Rechners fassen darf/, 'and so said in German on a German page')
})
