// What a person's notification file costs: listing it when it is as long as it gets (MAX_LINES - 1
// lines: what the bell and the add-on read on each look), adding one to a short file (an append) and
// adding the one that makes the file rewrite itself with the newest KEEP. Prints figures, asserts
// nothing.   npx tsx test/bench/notifications.bench.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addNotification, KEEP, MAX_LINES, readNotificationFile } from '../../server/notify/notification-file.ts'
import type { Notification } from '../../schemas/generated/types.ts'

const dir = mkdtempSync(join(tmpdir(), 'rfam-notify-bench-'))
const at = Date.now()
const sentence = { key: 'notify:mentioned', params: { who: 'Mia Chen', asset: 'Cake' } }
const one = (i: number): Notification => {
  const id = `bench${String(i).padStart(7, '0')}`
  return { id, kind: 'mentioned', project: 'demo', path: 'props/cake.blend', by: 'mia', at: new Date(at + i).toISOString(), message: 'Mia Chen mentioned you in a note on Cake.', sentence }
}
const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(one(i)) + '\n').join('')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function time (turns: number, before: () => void, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i < turns; i++) {
    before()
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  return median(ms)
}

try {
  const file = join(dir, 'zoe', 'demo.jsonl')
  mkdirSync(join(dir, 'zoe'))
  const full = lines(MAX_LINES - 1)
  const read = await time(30, () => writeFileSync(file, full), () => readNotificationFile(file))
  const append = await time(30, () => writeFileSync(file, lines(10)), () => addNotification(file, one(1e6)))
  const rewrite = await time(30, () => writeFileSync(file, full), () => addNotification(file, one(1e6)))
  const after = await readNotificationFile(file)
  console.log(`list a full file (${MAX_LINES - 1} lines, ${(Buffer.byteLength(full) / 1024).toFixed(0)} KiB): ${read.toFixed(2)} ms (median of 30)`)
  console.log(`add one to a file of 10: ${append.toFixed(2)} ms (median of 30; read, lock, append with O_DSYNC)`)
  console.log(`add the one that rewrites it to the newest ${KEEP}: ${rewrite.toFixed(2)} ms (median of 30); ${after.lines} lines after`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
