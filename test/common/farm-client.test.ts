// The generated farm client (common/farm-client.ts, from the route contract): each route's method and
// path, the farm credential, the JSON body as typed, the reply (nothing for a 204).
import t from 'tap'
import { createServer } from 'node:http'
import { ServerClient } from '../../common/farm-call.ts'
import { farmClient } from '../../common/farm-client.ts'

t.test('the generated client sends each route of the contract with the credential, and types its reply', async (t) => {
  const seen: Array<{ method?: string, url?: string, auth?: string, type?: string, body: unknown }> = []
  const srv = createServer((req, res) => {
    let text = ''
    req.on('data', (d: Buffer) => { text += d.toString() })
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(text) })
      if (req.url === '/api/farm/prenode/ack') res.writeHead(204).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"longPollSeconds":20,"jobs":[]}')
    })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => srv.close(resolve)))
  const farm = farmClient(new ServerClient(`http://127.0.0.1:${(srv.address() as { port: number }).port}`, 'rfam_secret'))
  const jobs = await farm.prenodePoll({ name: 'cluster', provides: [], wait: false })
  t.same(jobs, { longPollSeconds: 20, jobs: [] })
  t.equal(await farm.prenodeAck({ name: 'cluster', jobs: ['j1'] }), undefined, 'a 204 answers nothing')
  t.same(seen, [
    { method: 'POST', url: '/api/farm/prenode/poll', auth: 'Bearer rfam_secret', type: 'application/json', body: { name: 'cluster', provides: [], wait: false } },
    { method: 'POST', url: '/api/farm/prenode/ack', auth: 'Bearer rfam_secret', type: 'application/json', body: { name: 'cluster', jobs: ['j1'] } },
  ])
})
