// How fast the server reads a .blend's linked libraries, for a plain, a zstd (with and without
// Blender's seek table) and a gzip file of a few MB saved by Blender (an ico sphere).
// Run: npx tsx test/bench/blend-links.bench.ts [ico sphere subdivisions, default 7]
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { readBlendInfo } from '../../server/blend/read-blend-links.ts'
import { makeBlendFixtures, noBlender } from '../blend/blender-fixtures.ts'

if (noBlender) {
  console.log(`blend-links bench skipped: ${noBlender}`)
  process.exit(0)
}

const subdivisions = process.argv[2] ?? '7'
const dir = mkdtempSync(path.join(tmpdir(), 'rfam-blend-bench-'))
try {
  await makeBlendFixtures(dir, ['big', subdivisions])
  writeFileSync(path.join(dir, 'big_gzip.blend'), gzipSync(readFileSync(path.join(dir, 'big.blend')), { level: 1 }))
  // Without Blender's seek table every frame is decompressed, as for zstd files from other tools.
  const zstd = readFileSync(path.join(dir, 'big_zstd.blend'))
  const tableBytes = 8 + zstd.readUInt32LE(zstd.length - 9) * (zstd[zstd.length - 5]! & 0x80 ? 12 : 8) + 9
  writeFileSync(path.join(dir, 'big_zstd_noseek.blend'), zstd.subarray(0, zstd.length - tableBytes))
  console.log(`ico sphere, ${subdivisions} subdivisions, saved by Blender; ${process.version}`)
  for (const name of ['big.blend', 'big_zstd.blend', 'big_zstd_noseek.blend', 'big_gzip.blend']) {
    const file = path.join(dir, name)
    const size = statSync(file).size
    await readBlendInfo(file) // warm-up: page cache and JIT
    const started = process.hrtime.bigint()
    let runs = 0
    let elapsed = 0
    // At least 5 runs and at least 2 s, whichever takes longer.
    while (runs < 5 || elapsed < 2) {
      await readBlendInfo(file)
      runs++
      elapsed = Number(process.hrtime.bigint() - started) / 1e9
    }
    const info = await readBlendInfo(file)
    const perFile = elapsed / runs
    console.log(
      `${name.padEnd(21)} ${info.compression.padEnd(4)} ${(size / 1e6).toFixed(1).padStart(6)} MB on disk: ` +
        `${(perFile * 1000).toFixed(2).padStart(8)} ms/file, ${(1 / perFile).toFixed(1).padStart(7)} files/s ` +
        `(${runs} runs, ${info.libraries.length} libraries)`
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
