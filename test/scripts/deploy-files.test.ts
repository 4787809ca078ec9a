// The shipped deployment files: systemd units that parse and carry the settings docs/deployment.md
// promises, and an nginx example that does not buffer live updates.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../server/config/load-config.ts'
import { testFolder } from '../helpers/folders.ts'

const deploy = (name: string) => readFileSync(join(repoRoot, 'deploy', name), 'utf8')

type Unit = Map<string, Map<string, string[]>>

/** Parses a systemd unit file (INI with repeatable keys), refusing anything systemd would not read. */
function parseUnit (text: string, file: string): Unit {
  const unit: Unit = new Map()
  let section: Map<string, string[]> | undefined
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return
    const header = /^\[([A-Za-z]+)\]$/.exec(line)
    if (header) {
      if (unit.has(header[1]!)) throw new Error(`${file}:${i + 1}: section [${header[1]}] twice`)
      section = new Map()
      unit.set(header[1]!, section)
      return
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line)
    if (!kv) throw new Error(`${file}:${i + 1}: not a key=value line: ${line}`)
    if (!section) throw new Error(`${file}:${i + 1}: key before any section`)
    if (/\s#/.test(kv[2]!)) throw new Error(`${file}:${i + 1}: systemd has no comments after a value`)
    section.set(kv[1]!, [...(section.get(kv[1]!) ?? []), kv[2]!])
  })
  return unit
}

const one = (unit: Unit, section: string, key: string) => unit.get(section)?.get(key)?.at(-1)

// The server runs as the bundle `npm run build` makes (what `npm start` runs); the node from its sources.
// Both on Node.js 24 LTS: scripts/lts-node.sh execs node (fetched into tools/node-lts/ on an older machine).
const entries = [
  ['rfam-server.service', /^\/bin\/bash scripts\/lts-node\.sh node dist\/server\.mjs$/, 'scripts/build-server.mjs'],
  ['rfam-node.service', /^\/bin\/bash scripts\/lts-node\.sh node --import tsx node\/main\.ts /, 'node/main.ts'],
] as const

t.test('the server unit runs what npm run build makes and npm start runs', async (t) => {
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  t.equal(scripts.start, 'node dist/server.mjs')
  t.match(scripts.build, /node scripts\/build-server\.mjs/)
  const { defaultOutFile } = await import('../../scripts/build-server.mjs')
  t.equal(defaultOutFile, join(repoRoot, 'dist', 'server.mjs'))
})

for (const [file, command, source] of entries) {
  t.test(`${file} has what docs/deployment.md promises`, async (t) => {
    const unit = parseUnit(deploy(file), file)
    t.same([...unit.keys()], ['Unit', 'Service', 'Install'])
    t.match(one(unit, 'Unit', 'After'), /network-online\.target/)
    const user = one(unit, 'Service', 'User')
    t.ok(user && user !== 'root', `runs as a dedicated user (${user})`)
    t.match(one(unit, 'Service', 'WorkingDirectory'), /^\//, 'an absolute working directory')
    t.ok(unit.get('Service')!.get('Environment')!.some((e) => /^RFAM_CONFIG=\/\S+\.json$/.test(e)), 'Environment=RFAM_CONFIG=<file>')
    const exec = one(unit, 'Service', 'ExecStart')!
    t.match(exec, command, 'node itself (lts-node.sh execs it), no npm wrapper, so signals reach RFAM')
    t.ok(existsSync(join(repoRoot, 'scripts', 'lts-node.sh')), 'scripts/lts-node.sh exists')
    t.ok(existsSync(join(repoRoot, source)), `${source} exists`)
    if (file === 'rfam-node.service') t.match(exec, /--config \$\{RFAM_CONFIG\}$/, 'the node is given its config file')
    t.equal(one(unit, 'Service', 'Restart'), 'on-failure')
    t.equal(one(unit, 'Service', 'KillSignal'), 'SIGTERM')
    t.equal(one(unit, 'Service', 'NoNewPrivileges'), 'yes')
    t.equal(one(unit, 'Service', 'ProtectSystem'), 'strict')
    t.match(one(unit, 'Service', 'ReadWritePaths'), /\/srv\/rfam/, 'the data folders stay writable')
    t.equal(one(unit, 'Service', 'ProtectHome'), 'yes')
    t.equal(one(unit, 'Install', 'WantedBy'), 'multi-user.target')
  })
}

const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0

t.test('systemd-analyze verify accepts both units without a warning', { skip: hasSystemd ? false : 'systemd-analyze is not installed (the INI checks above still ran)' }, async (t) => {
  const dir = testFolder(t, 'units')
  const files = ['rfam-server.service', 'rfam-node.service'].map((name) => {
    const file = join(dir, name)
    writeFileSync(file, deploy(name))
    return file
  })
  const res = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' })
  t.equal(res.status, 0, res.stderr)
  t.equal(`${res.stdout}${res.stderr}`.split('\n').filter((l) => l.includes(dir)).join('\n'), '', 'no complaint about either unit')
})

t.test('the nginx example streams live updates and forwards what RFAM needs', async (t) => {
  const conf = deploy('nginx-rfam.conf')
  const code = conf.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean)
  t.equal(code.filter((l) => l.endsWith('{')).length, code.filter((l) => l === '}').length, 'braces balance')
  t.same(code.filter((l) => !/[;{}]$/.test(l)), [], 'every directive ends with ;')

  // The server-sent events location: its pattern matches the events URL and nothing else of the API.
  const m = /location ~ (\S+) \{([^}]*)\}/.exec(conf)
  t.ok(m, 'a regex location for the event stream')
  const pattern = new RegExp(m![1]!)
  t.ok(pattern.test('/api/projects/demo/events'))
  t.notOk(pattern.test('/api/projects/demo/assets/events'))
  t.notOk(pattern.test('/api/projects/demo'))
  const sse = m![2]!
  t.match(sse, /proxy_buffering off;/)
  t.match(sse, /proxy_cache off;/)
  const readTimeout = /proxy_read_timeout (\d+)([smh]);/.exec(sse)
  t.ok(readTimeout && Number(readTimeout[1]) * { s: 1, m: 60, h: 3600 }[readTimeout[2] as 's' | 'm' | 'h'] >= 60, 'the stream may stay quiet longer than the 15 s keep-alive')
  t.match(sse, /proxy_pass http:\/\/rfam;/)

  // Upload limit equal to the server's default maxUploadBytes; RFAM's default address.
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'server-config.schema.json'), 'utf8'))
  const size = /client_max_body_size (\d+)([kmg]?);/.exec(conf)
  t.ok(size, 'client_max_body_size is set')
  t.equal(Number(size![1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[size![2] as '' | 'k' | 'm' | 'g'], schema.properties.maxUploadBytes.default, 'matches maxUploadBytes')
  t.match(conf, new RegExp(`server ${schema.properties.host.default.replace(/\./g, '\\.')}:${schema.properties.port.default};`), 'proxies to RFAM on loopback')
  // $http_host keeps a non-default port, which RFAM's same-origin check (Origin against Host) needs.
  for (const header of ['Host $http_host', 'X-Forwarded-For $proxy_add_x_forwarded_for', 'X-Forwarded-Proto $scheme', 'X-Forwarded-Host $http_host']) {
    t.match(conf, `proxy_set_header ${header};`)
  }
  t.equal(code.filter((l) => /^location/.test(l)).length, 3)
  t.notOk(/location[^{]*\{[^}]*proxy_set_header/.test(conf), 'no location sets its own headers (that would drop the server-level ones)')
  t.match(conf, /return 301 https:\/\/\$host\$request_uri;/, 'plain HTTP is redirected to HTTPS')
})
