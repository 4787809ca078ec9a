// A server killed (SIGKILL) in the middle of an edit leaves the lock folder of the file it was writing.
// The next server, started at once, must edit that asset as fast as any other: the lock's owner (this
// host, a process that no longer exists) is gone, so the lock is taken over instead of waited out.
// Real processes: the server bundle as `npm start` runs it, killed for real.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { writeTestConfig } from '../helpers/server.ts'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { logIn } from '../helpers/login.ts'
import { testRoot } from '../helpers/folders.ts'

const ASSET = 'props/cake.blend'
const url = (server: ServerProcess) => `${server.url}/api/projects/demo/assets/${ASSET}`

async function edit (server: ServerProcess, token: string, description: string): Promise<{ status: number, ms: number, body: string }> {
  const t0 = performance.now()
  const res = await fetch(url(server), { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ description }) })
  const body = await res.text()
  return { status: res.status, ms: performance.now() - t0, body }
}

t.test('first edit after a SIGKILL during an edit burst takes normal time', async (t) => {
  const dir = testRoot(t)
  const config = writeTestConfig(dir, { logLevel: 'warn' })
  const lockDir = join(dir, 'data', 'demo', 'props', '.cake.blend.json.lock')
  let server = await startServerProcess(config, { t })
  // For comparison: the first edit after a clean restart (routes are compiled on first use, and the
  // server reads its .blend files in the background just after it starts).
  await server.stop()
  server = await startServerProcess(config, { t })
  const fresh = await edit(server, (await logIn(server, 'mia')).token, 'clean restart')
  t.comment(`first edit after a clean restart: ${fresh.status} in ${fresh.ms.toFixed(0)} ms`)
  // Kill it mid-burst until the kill lands while a lock is held (nearly always the first time).
  let attempts = 0
  for (; attempts < 20 && !existsSync(lockDir); attempts++) {
    if (attempts > 0) server = await startServerProcess(config, { t })
    const token = (await logIn(server, 'mia')).token
    let stop = false
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) await edit(server, token, `burst ${w}.${i}`).catch(() => {})
    })
    await sleep(300 + Math.random() * 300)
    await server.kill()
    stop = true
    await Promise.all(writers)
  }
  t.ok(existsSync(lockDir), `the killed server left the asset's lock behind (after ${attempts} kill(s))`)
  const before = readFileSync(join(dir, 'data', 'demo', `${ASSET}.json`), 'utf8')
  t.ok(JSON.parse(before).description.startsWith('burst'), 'the sidecar is whole: the last edit or the one before')

  server = await startServerProcess(config, { t })
  const token = (await logIn(server, 'mia')).token
  const first = await edit(server, token, 'after the crash')
  t.comment(`first edit after the crash: ${first.status} in ${first.ms.toFixed(0)} ms`)
  t.equal(first.status, 200, `the first edit succeeds (${first.body.slice(0, 200)})`)
  const second = await edit(server, token, 'and again')
  t.comment(`second edit: ${second.status} in ${second.ms.toFixed(0)} ms`)
  t.equal(second.status, 200)
  t.ok(first.ms < fresh.ms + 1000, `the first edit takes normal time (${first.ms.toFixed(0)} ms; ${fresh.ms.toFixed(0)} ms after a clean restart, ${second.ms.toFixed(0)} ms for the next)`)
  t.equal(JSON.parse(readFileSync(join(dir, 'data', 'demo', `${ASSET}.json`), 'utf8')).description, 'and again')
  t.notOk(existsSync(lockDir), 'no lock is left once the edits are done')
})
