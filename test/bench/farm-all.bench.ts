// Every farm figure in one run, side by side with its target (`npm run bench:farm`):
// farm vs `blender -a` for 48 tiny frames and for ~5 s frames, pickup and cancel latency, and the
// scheduler at 1,000 simulated nodes and 100,000 frames. Prints the machine's load too: on a
// shared machine the Blender figures move with it. Asserts nothing.
import { loadavg } from 'node:os'
import { farmLatency, median } from './farm-latency.bench.ts'
import { farmVersusDirect } from './farm-blender.bench.ts'
import { farmScale } from './farm-scale.bench.ts'

const rows: Array<[string, string, string, string]> = []
const row = (what: string, farm: string, compare: string, target: string) => { rows.push([what, farm, compare, target]); console.log(`  … ${what}: ${farm} | ${compare}`) }
const load = () => loadavg()[0]!.toFixed(1)

console.log(`farm benchmarks (2 cores; load average ${load()} at start)`)
const latency = await farmLatency()
row('new-work pickup (median / worst)', `${(median(latency.pickup) * 1000).toFixed(0)} / ${(Math.max(...latency.pickup) * 1000).toFixed(0)} ms`, 'original ~25 s', '< 1 s')
row('cancel → Blender gone (median / worst)', `${(median(latency.cancel) * 1000).toFixed(0)} / ${(Math.max(...latency.cancel) * 1000).toFixed(0)} ms`, 'original ~25 s', '< 1 s')
for (const kind of ['tiny', 'heavy'] as const) {
  const r = await farmVersusDirect(kind)
  row(`${r.label}, 1 node × 2 processes (load ${load()})`, `${r.farm.toFixed(2)} s`, `blender -a ${r.direct.toFixed(2)} s (${r.directRuns.map((x) => x.toFixed(1)).join(' / ')} before / after) → ${r.ratio.toFixed(3)}×`, `≤ ${r.target}×`)
  if (r.again !== undefined) row('  the same again (frame time known, the node\'s Blender still has the file open)', `${r.again.toFixed(2)} s`, `→ ${r.againRatio!.toFixed(3)}×`, `≤ ${r.target}×`)
}
const s = await farmScale()
row(`scheduler: ${s.nodes} nodes, ${s.frames.toLocaleString('en')} frames (load ${load()})`, `${s.perSecond.toFixed(0)} assignments/s`, `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ${s.errors} errors`, '≥ 2000/s, p99 < 50 ms')

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'farm', 'compared with', 'target'][i]!.length))
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
console.log(`\n${line(['measure', 'farm', 'compared with', 'target'])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const r of rows) console.log(line(r))
