import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestServer } from '../helpers/server.ts'
import { logIn } from '../helpers/login.ts'

/** Reads server-sent events from a real HTTP connection until `want` returns true. */
async function waitForEvent (url: string, cookie: string, act: () => Promise<void> | void, want: (data: { changes: Array<{ kind: string, path?: string }> }) => boolean) {
  const controller = new AbortController()
  const res = await fetch(url, { headers: { cookie }, signal: controller.signal })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const t0 = performance.now()
  await act()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error('stream ended')
      buffer += decoder.decode(value, { stream: true })
      for (const block of buffer.split('\n\n').slice(0, -1)) {
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (data && want(JSON.parse(data))) return performance.now() - t0
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2)
    }
  } finally {
    controller.abort()
  }
}

t.test('every open page hears about changes: through the API and on disk', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const { cookie } = await logIn(s, 'alex')
  const events = `${s.url}/api/projects/demo/events`
  const viaApi = await waitForEvent(events, cookie,
    async () => { await fetch(`${s.url}/api/projects/demo/assets/props/cake.blend`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ rating: 4 }) }) },
    (d) => d.changes.some((c) => c.kind === 'asset' && c.path === 'props/cake.blend'))
  t.comment(`API edit announced after ${viaApi.toFixed(0)} ms`)
  const sidecar = join(s.projectDir(), 'sets/kitchen.blend.json')
  const onDisk = await waitForEvent(events, cookie,
    () => { const m = JSON.parse(readFileSync(sidecar, 'utf8')); m.description = 'edited in a text editor'; writeFileSync(sidecar, JSON.stringify(m)) },
    (d) => d.changes.some((c) => c.path === 'sets/kitchen.blend'))
  t.comment(`disk edit announced after ${onDisk.toFixed(0)} ms`)
  await waitForEvent(events, cookie,
    async () => { await fetch(`${s.url}/api/projects/demo/file`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ description: 'A new description' }) }) },
    (d) => d.changes.some((c) => c.kind === 'project'))
  t.pass('project file edits are announced too')
  const stranger = await fetch(events)
  t.equal(stranger.status, 401, 'no stream without a session')
})
