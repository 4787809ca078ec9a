// Reads tap's output and prints the plain closing line CI looks for: 'N passed, N failed'.
// tap's own summary ('# { total: N, pass: P, fail: F }') is not read by CI.
import { readFileSync } from 'node:fs'

const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '')
let pass = 0
let fail = 0
const summary = [...text.matchAll(/^# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?.*$/gm)].pop()
if (summary) {
  pass = Number(summary[2])
  fail = Number(summary[3] ?? 0)
  const total = Number(summary[1])
  fail = Math.max(fail, total - pass - countSkips(summary[0]))
} else {
  fail = 1
}
function countSkips (line) {
  const skip = /skip: (\d+)/.exec(line)
  const todo = /todo: (\d+)/.exec(line)
  return Number(skip?.[1] ?? 0) + Number(todo?.[1] ?? 0)
}
console.log(`${pass} passed, ${fail} failed`)
