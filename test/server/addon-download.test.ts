// GET /api/addon/zip: the add-on built for this server, for logged-in people: the files of
// `npm run addon:build` plus rfam/server_address.json with the address the browser used (or
// publicUrl), made once per address.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addonFiles, addonVersion, contractFiles } from '../../server/addon/addon-archive.ts'
import { schemaDir } from '../../schemas/load.ts'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'
import { testFolder } from '../helpers/folders.ts'

/** Names and the address file of a zip, read by Python's zipfile (which checks every CRC). */
function readZip (t: Parameters<typeof testFolder>[0], bytes: Buffer): { names: string[], bad: string | null, address: { server: string } } {
  const file = join(testFolder(t, 'zips'), `${Math.random().toString(36).slice(2)}.zip`)
  writeFileSync(file, bytes)
  const r = spawnSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"names": z.namelist(), "bad": z.testzip(), "address": json.loads(z.read("rfam/server_address.json"))}))`, file], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout)
}

t.test('the zip: every add-on file, this server\'s contract and the address the browser used', async (t) => {
  const s = await startTestServer(t)
  t.equal((await s.app.inject({ url: '/api/addon/zip' })).statusCode, 401, 'for logged-in people only')
  const { cookie } = await logIn(s, 'mia')
  const res = await s.app.inject({ url: '/api/addon/zip', headers: { cookie, host: '192.168.1.10:8080' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/zip')
  t.equal(res.headers['content-disposition'], 'attachment; filename="rfam-addon.zip"')
  const zip = readZip(t, res.rawPayload)
  t.equal(zip.bad, null, 'every entry\'s CRC is right')
  const expected = [...addonFiles().filter((f) => !f.startsWith('schemas/')), ...contractFiles(schemaDir).map((f) => `schemas/${f}`), 'server_address.json']
  t.same(zip.names, expected.sort().map((f) => `rfam/${f}`), 'what npm run addon:build ships, plus the address')
  t.equal(zip.address.server, 'http://192.168.1.10:8080')

  const https = await s.app.inject({ url: '/api/addon/zip', headers: { cookie, host: 'RFAM.School.example', 'x-forwarded-proto': 'https' } })
  t.equal(readZip(t, https.rawPayload).address.server, 'https://rfam.school.example', 'behind an HTTPS proxy, by name')
  const v6 = await s.app.inject({ url: '/api/addon/zip', headers: { cookie, host: '[fd00::1]:8080' } })
  t.equal(readZip(t, v6.rawPayload).address.server, 'http://[fd00::1]:8080')

  const again = await s.app.inject({ url: '/api/addon/zip', headers: { cookie, host: '192.168.1.10:8080' } })
  t.ok(again.rawPayload.equals(res.rawPayload), 'the same bytes for the same address')

  for (const host of ['evil.example/x', 'a b', 'user@host', 'host:port']) {
    const bad = await s.app.inject({ url: '/api/addon/zip', headers: { cookie, host } })
    t.equal(bad.statusCode, 400, `Host "${host}" is refused`)
    t.equal(bad.json().code, 'RFAM_BAD_HOST')
  }
  const status = (await s.app.inject({ url: '/api/addon', headers: { cookie, host: '192.168.1.10:8080' } })).json()
  t.same(status, { connected: false, server: 'http://192.168.1.10:8080', version: addonVersion() })
})

t.test('with publicUrl set, the zip and the codes carry it, whatever address the browser used', async (t) => {
  const s = await startTestServer(t, { config: { publicUrl: 'https://rfam.example.org/' } })
  const mia = await logIn(s, 'mia')
  const res = await s.app.inject({ url: '/api/addon/zip', headers: { cookie: mia.cookie, host: '127.0.0.1:8080' } })
  t.equal(readZip(t, res.rawPayload).address.server, 'https://rfam.example.org')
  const code = await s.app.inject({ method: 'POST', url: '/api/addon/codes', headers: { cookie: mia.cookie, host: '127.0.0.1:8080' } })
  t.equal(code.json().server, 'https://rfam.example.org')
})
