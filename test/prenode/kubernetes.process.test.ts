// The Kubernetes template as the prenode renders it: the real prenode, with the command of the
// shipped deploy/kubernetes/prenode.json, against a real server. There is no Kubernetes cluster
// here, so a `kubectl` on PATH keeps what it is given; the text is then read back as YAML and its
// Job checked: counts filled in, single-use nodes, the ConfigMap, Secret and share it names. Also
// checks the shipped example configurations against their schemas and the Slurm script's syntax.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobView } from '../../schemas/generated/types.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { validator } from '../../schemas/validator.ts'
import { startTestServer } from '../helpers/server.ts'
import { parseYamlDocuments } from './light-yaml.ts'
import { startTs } from '../helpers/processes.ts'
import { logIn } from '../helpers/login.ts'
import { until } from '../helpers/until.ts'
import { testFolder } from '../helpers/folders.ts'
import { TINY_BLEND } from '../helpers/tiny-blend.ts'

const k8s = (name: string) => join(repoRoot, 'deploy', 'kubernetes', name)
type Obj = Record<string, any>

t.test('the light YAML reader refuses what the manifests must not contain', async (t) => {
  t.same(parseYamlDocuments('a:\n  b: 1\n  c:\n  - x\n  - k: "v"\n    l: \'w\'\nd: |\n  one\n    two\n'), [{ a: { b: 1, c: ['x', { k: 'v', l: 'w' }] }, d: 'one\n  two\n' }])
  t.throws(() => parseYamlDocuments('a: 1\n\tb: 2'), /line 2: a tab/)
  t.throws(() => parseYamlDocuments('a: 1\na: 2'), /"a" appears twice/)
  t.throws(() => parseYamlDocuments('a:\n  b: 1\n   c: 2'), /line 3: unexpected indentation/)
  t.throws(() => parseYamlDocuments('completions: @NODES@'), /placeholder left in/)
  t.throws(() => parseYamlDocuments('a: {b: 1}'), /flow collections/)
  t.throws(() => parseYamlDocuments('just text'), /expected "key: value"/)
})

t.test('the shipped configurations are valid and the Slurm script parses', async (t) => {
  for (const file of ['deploy/slurm/prenode.json', 'deploy/kubernetes/prenode.json']) {
    t.equal(validator().check('prenode-config.schema.json', JSON.parse(readFileSync(join(repoRoot, file), 'utf8'))), null, `${file} is a valid prenode configuration`)
  }
  t.equal(validator().check('node-config.schema.json', JSON.parse(readFileSync(join(repoRoot, 'deploy/slurm/cluster-node.json'), 'utf8'))), null, 'deploy/slurm/cluster-node.json is a valid node configuration')
  const syntax = spawnSync('bash', ['-n', join(repoRoot, 'deploy/slurm/rfam-node.sbatch')], { encoding: 'utf8' })
  t.equal(syntax.status, 0, `rfam-node.sbatch: ${syntax.stderr}`)
  t.match(readFileSync(join(repoRoot, 'deploy/slurm/rfam-node.sbatch'), 'utf8'), /--single-use --name/)
  if (spawnSync('systemd-analyze', ['--version']).status === 0) {
    const unit = spawnSync('systemd-analyze', ['verify', join(repoRoot, 'deploy/slurm/rfam-prenode.service')], { encoding: 'utf8' })
    t.equal(unit.status, 0, 'systemd-analyze verify accepts the prenode unit')
    t.equal(unit.stderr.trim(), '', 'without a warning')
  }

  const [configMap, secret] = parseYamlDocuments(readFileSync(k8s('rfam-node-config.yaml'), 'utf8')) as Obj[]
  t.match(configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rfam-node-config', namespace: 'rfam' } })
  t.equal(validator().check('node-config.schema.json', JSON.parse(configMap!.data['node.json'])), null, 'the ConfigMap holds a valid node configuration')
  t.match(JSON.parse(configMap!.data['node.json']), { singleUse: true, credential: 'file:/etc/rfam-secret/credential' })
  t.match(secret, { kind: 'Secret', metadata: { name: 'rfam-node-credential' }, stringData: { credential: String } })
  t.throws(() => parseYamlDocuments(readFileSync(k8s('rfam-node-job.yaml'), 'utf8')), /placeholder left in/, 'the template is not YAML until rendered')
})

t.test('the prenode renders the Job template with the counts of its batch', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { farmSettings: { longPollSeconds: 1 } } })
  mkdirSync(join(s.projectDir(), 'shots'), { recursive: true })
  writeFileSync(join(s.projectDir(), 'shots', 'a.blend'), TINY_BLEND)
  const { api } = await logIn(s.url, 'alex')
  const dir = testFolder(t, 'k8s')
  // kubectl, as far as this test needs it: keeps its arguments and what it reads.
  const bin = join(dir, 'bin')
  const out = join(dir, 'created')
  mkdirSync(bin)
  mkdirSync(out)
  writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\nn=$(ls "${out}" | grep -c args)\necho "$@" > "${out}/$n.args"\ncat > "${out}/$n.yaml"\necho "job.batch/rfam-node-x$n created"\n`)
  chmodSync(join(bin, 'kubectl'), 0o755)
  const shipped = JSON.parse(readFileSync(k8s('prenode.json'), 'utf8')) as { command: string, maxNodes: number }
  const config = join(dir, 'prenode.json')
  writeFileSync(config, JSON.stringify({ name: 'kubernetes', server: s.url, credential: await s.app.farm.credentials.create('k8s'), checkSeconds: 0.2, maxNodes: shipped.maxNodes, command: shipped.command }))

  // Two jobs before the prenode starts (one batch): 12 frames of unknown time (a pod each) and a video (one pod).
  await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 12 })
  await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 100, video: true })
  const prenode = startTs(t, 'prenode/main.ts', ['--config', config], { label: 'k8s', env: { RFAM_HOME: repoRoot, PATH: `${bin}:${process.env.PATH}` } })
  const done = await prenode.waitForLog({ msg: 'command done', count: 2 }, 60_000)
  t.match(done.output, /^job.batch\/rfam-node-x0 created/m, 'kubectl output in the log')
  // A much bigger job later: its own Job, capped by maxNodes.
  await api<JobView>('POST', '/api/projects/demo/jobs', { file: 'shots/a.blend', frameStart: 1, frameEnd: 2000 })
  await until('the second Job', () => existsSync(join(out, '1.yaml')), { timeoutMs: 30_000 })
  await prenode.stop()

  t.same(readdirSync(out).filter((f) => f.endsWith('.yaml')).sort(), ['0.yaml', '1.yaml'], 'one Job per batch')
  t.equal(readFileSync(join(out, '0.args'), 'utf8').trim(), 'create -f -')
  const rendered = readFileSync(join(out, '0.yaml'), 'utf8')
  const manifest = rendered.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n')
  t.notMatch(manifest, /@(NODES|JOBS)@|\{nodes\}|\{jobs\}/, 'every placeholder filled in')
  const [job] = parseYamlDocuments(rendered) as Obj[]
  t.match(job, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { generateName: 'rfam-node-', labels: { 'rfam.jobs': '2' } },
    spec: { completions: 13, parallelism: 13, backoffLimit: Number, template: { spec: { restartPolicy: 'Never' } } },
  })
  t.equal(typeof job!.spec.completions, 'number', 'completions is a number, not a string')
  const pod = job!.spec.template.spec
  const container = pod.containers[0]
  t.match(container.args[0], /node\/main\.ts --config \/etc\/rfam\/node\.json --single-use --name "k8s-\$POD_NAME"/)
  t.match(container.args[0], /if \[ "\$code" -eq 3 \]; then exit 0; fi/, 'nothing to do is a completion')
  t.same(container.env[0], { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } })
  const volumes = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v]))
  t.same(volumes.config.configMap, { name: 'rfam-node-config' }, 'the ConfigMap of rfam-node-config.yaml')
  t.same(volumes.credential.secret, { secretName: 'rfam-node-credential' }, 'the Secret of rfam-node-config.yaml')
  t.ok(volumes.share.persistentVolumeClaim.claimName, 'a volume for the share')
  const mounts = Object.fromEntries(container.volumeMounts.map((m: Obj) => [m.name, m.mountPath]))
  t.same(mounts, { config: '/etc/rfam', credential: '/etc/rfam-secret', share: '/mnt/rfam/data' })
  const [configMap] = parseYamlDocuments(readFileSync(k8s('rfam-node-config.yaml'), 'utf8')) as Obj[]
  t.same(JSON.parse(configMap!.data['node.json']).shares, [{ ident: 'data', path: mounts.share }], 'the node finds the share where the pod mounts it')

  const [big] = parseYamlDocuments(readFileSync(join(out, '1.yaml'), 'utf8')) as Obj[]
  t.equal(big!.spec.completions, shipped.maxNodes, 'capped by maxNodes')
  t.equal(big!.metadata.labels['rfam.jobs'], '1')
})
