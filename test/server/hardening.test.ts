// The smaller holes of a server on a school network, tried from outside against a real server:
// forged origins, missing security headers, over-size uploads read to the end, over-long names.
import t from 'tap'
import { request } from 'node:http'
import { readdirSync } from 'node:fs'
import { startTestServer } from '../helpers/server.ts'
import { SECURITY_HEADERS } from '../../server/security-headers.ts'
import { logIn } from '../helpers/login.ts'

const cake = '/api/projects/demo/assets/props/cake.blend'

t.test('state changes from another site, a sandboxed frame or a redirect are refused', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'alex')
  const patch = (headers: Record<string, string>) => s.app.inject({ method: 'PATCH', url: cake, headers: { cookie, host: 'rfam.school:8080', ...headers }, payload: { state: 'ic' } })
  for (const [why, headers] of [
    ['Origin: null (a redirect or sandboxed frame)', { origin: 'null' }],
    ['another site', { origin: 'https://evil.example' }],
    ['same host name, other port', { origin: 'http://rfam.school:9999' }],
    ['an origin that is not a URL', { origin: 'rfam.school:8080' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling host)', { 'sec-fetch-site': 'same-site' }],
  ] as const) {
    const res = await patch(headers)
    t.equal(res.statusCode, 403, why)
    t.match(res.json(), { code: 'RFAM_CROSS_SITE', message: /other web sites/ })
  }
  t.equal((await patch({ origin: 'http://rfam.school:8080', 'sec-fetch-site': 'same-origin' })).statusCode, 200, 'RFAM itself may')
  t.equal((await patch({})).statusCode, 200, 'a client that is not a browser (the add-on) sends neither header')
  t.equal((await s.app.inject({ url: cake, headers: { cookie, origin: 'null' } })).statusCode, 200, 'reading is not a change')
})

t.test('every answer carries the security headers', async (t) => {
  const s = await startTestServer(t, { listen: true })
  const { cookie } = await logIn(s, 'zoe')
  for (const [what, path, headers] of [
    ['the page', '/', {}],
    ['a page of the app', '/assets', {}],
    ['the script', '/main.js', {}],
    ['an API answer', '/api/projects/demo/assets', { cookie }],
    ['a refusal', '/api/projects/demo/assets', {}],
    ['nothing found', '/api/nothing', {}],
  ] as const) {
    const res = await fetch(`${s.url}${path}`, { headers })
    await res.arrayBuffer()
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) t.equal(res.headers.get(name), value, `${what}: ${name}`)
  }
  t.match(SECURITY_HEADERS['content-security-policy'], /frame-ancestors 'none'/, 'no other site may frame RFAM (clickjacking)')
  t.notMatch(SECURITY_HEADERS['content-security-policy'], /script-src[^;]*unsafe/, 'no inline or evaluated script')
  const events = await fetch(`${s.url}/api/projects/demo/events`, { headers: { cookie } })
  t.equal(events.headers.get('x-content-type-options'), 'nosniff', 'the live-update stream, which writes its own head, too')
  t.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  await events.body?.cancel()
  const avatar = await fetch(`${s.url}/api/users/zoe/picture`)
  t.equal(avatar.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'", 'a drawn face keeps its stricter policy')
})

/** Sends `total` bytes of an upload as fast as the server takes them; what came back and how much was sent. */
function upload (url: string, cookie: string, total: number, declareLength: boolean): Promise<{ status: number | null, sent: number }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    let sent = 0
    let status: number | null = null
    const req = request({
      host: hostname,
      port,
      method: 'PUT',
      path: '/api/users/zoe/picture',
      headers: { cookie, 'content-type': 'multipart/form-data; boundary=XX', ...(declareLength ? { 'content-length': String(total) } : {}) },
    }, (res) => {
      status = res.statusCode ?? null
      res.resume()
      res.on('end', () => { req.destroy(); resolve({ status, sent }) })
    })
    req.on('error', () => resolve({ status, sent }))
    req.write('--XX\r\nContent-Disposition: form-data; name="file"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n')
    const chunk = Buffer.alloc(256 * 1024, 7)
    const pump = (): void => {
      while (sent < total && status === null) {
        sent += chunk.length
        if (!req.write(chunk)) { req.once('drain', pump); return }
      }
      if (sent >= total) req.end()
    }
    pump()
  })
}

t.test('an over-size upload is refused before it is read', async (t) => {
  const s = await startTestServer(t, { listen: true, config: { maxUploadBytes: 2 * 1024 * 1024 } })
  const { cookie } = await logIn(s, 'zoe')
  const total = 300 * 1024 * 1024
  const declared = await upload(s.url, cookie, total, true)
  t.equal(declared.status, 413, 'a body declared too big: 413 at once')
  t.ok(declared.sent < 32 * 1024 * 1024, `only what was in flight was sent (${(declared.sent / 1048576).toFixed(1)} of 300 MB)`)
  const chunked = await upload(s.url, cookie, total, false)
  t.ok(chunked.sent < 64 * 1024 * 1024, `a body of unknown length is cut off once past the limit (${(chunked.sent / 1048576).toFixed(1)} of 300 MB)`)
  t.ok(chunked.status === 413 || chunked.status === null, `answered 413 or closed (${chunked.status})`)
  const res = await fetch(`${s.url}/api/users/zoe/picture`, { method: 'PUT', headers: { cookie }, body: (() => { const f = new FormData(); f.append('file', new Blob([Buffer.alloc(3 * 1024 * 1024)], { type: 'image/png' }), 'big.png'); return f })() })
  t.equal(res.status, 413, 'a browser-style upload a little too big')
  t.match(await res.json(), { code: 'RFAM_TOO_LARGE', message: /at most 2 MB\. Make the picture smaller/ })
  t.equal((await fetch(`${s.url}/api/projects/demo/assets`, { headers: { cookie } })).status, 200, 'the server is fine afterwards')
})

t.test('a name too long for a file is a 400 that says so, and nothing is made', async (t) => {
  const s = await startTestServer(t)
  const { cookie } = await logIn(s, 'zoe')
  const before = readdirSync(`${s.projectDir()}/props`).sort()
  for (const [what, method, url, payload] of [
    ['asset at a 300-letter path', 'POST', '/api/projects/demo/assets', { name: 'Long', type: 'prop', path: `props/${'y'.repeat(300)}.blend` }],
    ['asset whose file name ends up 256 letters', 'POST', '/api/projects/demo/assets', { name: 'Long', type: 'prop', path: `props/${'y'.repeat(250)}.blend` }],
    ['render of a 300-letter file', 'POST', '/api/projects/demo/jobs', { file: `props/${'y'.repeat(300)}.blend`, frameStart: 1, frameEnd: 1 }],
  ] as const) {
    const res = await s.app.inject({ method, url, headers: { cookie }, payload })
    t.equal(res.statusCode, 400, what)
    t.match(res.json(), { code: 'RFAM_NAME_TOO_LONG', message: /too long.*Use a shorter one/ })
  }
  t.same(readdirSync(`${s.projectDir()}/props`).sort(), before, 'no file or folder was left behind')
})
