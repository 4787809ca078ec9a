// The web UI's side of prenode-burst.bench.ts, in a process of its own so that the 200 simulated
// nodes never delay its clocks: CLIENTS clients each GET /api/projects/demo/assets, then /todo,
// then again, timing every answer. Reads phase names on stdin ("burst", "stop"); on "stop" prints
// one JSON line: { before: [ms…], burst: [ms…], burstAt: [ms since the burst began…], errors }.
//   node --import tsx test/bench/prenode-ui-load.ts <server url> <cookie> <clients>
import { createInterface } from 'node:readline'

const [url, cookie, clientsArg] = process.argv.slice(2)
const clients = Number(clientsArg ?? 4)
let phase: 'before' | 'burst' | 'stop' = 'before'
const current = () => phase
const times: Record<'before' | 'burst', number[]> = { before: [], burst: [] }
const burstAt: number[] = []
let burstStart = 0
let errors = 0

async function get (path: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}${path}`, { headers: { cookie: cookie! } })
    await res.arrayBuffer()
    return res.ok
  } catch {
    return false
  }
}

// Warm the server's caches first: the first answers of a fresh process say nothing about a burst.
for (let i = 0; i < 20; i++) await get(i % 2 === 0 ? '/api/projects/demo/assets' : '/api/projects/demo/todo')
process.stdout.write('ready\n')

const loops = Array.from({ length: clients }, async (_, c) => {
  for (let i = c; current() !== 'stop'; i++) {
    const now = current()
    const t0 = performance.now()
    const ok = await get(i % 2 === 0 ? '/api/projects/demo/assets' : '/api/projects/demo/todo')
    const ms = performance.now() - t0
    if (!ok) errors++
    if (now !== 'stop' && now === current()) {
      times[now].push(ms)
      if (now === 'burst') burstAt.push(t0 - burstStart)
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
})

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'burst') burstStart = performance.now()
  if (line === 'burst' || line === 'stop') phase = line
  if (line === 'stop') break
}
await Promise.all(loops)
process.stdout.write(JSON.stringify({ ...times, burstAt, errors }) + '\n', () => process.exit(0))
