// How nodes and prenodes talk to the server (issue 16 item 5): every request has a
// timeout, so a server that takes the request and never answers (frozen) is noticed; the caller's
// own abort stays an abort; and the server sees the given-up request closed (what it takes as a
// hint that a node is gone).
import t from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { ServerClient, ServerError, ServerTimeout } from '../../common/farm-call.ts'

async function fakeServer (t: { teardown: (fn: () => unknown) => void }, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const closed: string[] = []
  const srv = createServer((req, res) => {
    req.on('close', () => { if (!res.writableEnded) closed.push(req.url!) })
    handle(req, res)
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => { srv.closeAllConnections(); srv.close(resolve) }))
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, closed }
}

t.test('a request the server never answers is given up after its timeout', async (t) => {
  const server = await fakeServer(t, (req, res) => {
    if (req.url === '/api/farm/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{"fine":true}')
    else if (req.url === '/api/farm/no') res.writeHead(409, { 'content-type': 'application/json' }).end('{"code":"RFAM_NOT_YOUR_TASK","message":"Not yours."}')
    // anything else: read, never answered (a frozen server)
  })
  const client = new ServerClient(server.url, 'rfam_x')
  const post = (path: string, options?: { signal?: AbortSignal, timeoutMs?: number }) => client.send('POST', `/api/farm/${path}`, {}, options)
  t.same(await post('ok'), { fine: true })
  await t.rejects(post('no'), new ServerError(409, 'RFAM_NOT_YOUR_TASK', 'Not yours.'))
  const t0 = performance.now()
  const err = await post('frozen', { timeoutMs: 1500 }).catch((e: unknown) => e)
  const ms = performance.now() - t0
  t.ok(err instanceof ServerTimeout, 'a ServerTimeout')
  t.equal((err as Error).message, 'the server did not answer within 1.5 s')
  t.ok(ms >= 1400 && ms < 5000, `after about 1.5 s (${ms.toFixed(0)} ms)`)
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(server.closed, ['/api/farm/frozen'], 'the server sees the request closed from the client\'s end')

  const mine = new AbortController()
  const aborted = post('held', { signal: mine.signal, timeoutMs: 10_000 }).catch((e: unknown) => e)
  setTimeout(() => mine.abort(), 100)
  const e2 = await aborted
  t.notOk(e2 instanceof ServerTimeout, 'the caller\'s own abort is no timeout')
  t.equal((e2 as Error).name, 'AbortError')
})
