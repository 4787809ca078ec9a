// Reads tap's output and prints the plain closing line CI looks for: 'N passed, N failed'.
// tap's own summary ('# { total: N, pass: P, fail: F }') is not read by CI.
// Above that line it names every failed test with its file and first lines of diagnosis: CI shows only the
// tail of a run, and the coverage table pushes tap's own failure reports out of it.
import { readFileSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'

const text = stripVTControlCharacters(readFileSync(process.argv[2], 'utf8'))
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

for (const line of failedTests(text).slice(0, 40)) console.log(line)
console.log(`${pass} passed, ${fail} failed`)

/** Each failed test as 'FAILED file > test > check' plus up to four lines of its diagnosis. A failed subtest is
 *  named only when none of its own checks was (a file that crashed after its last check, say). */
function failedTests (tapText) {
  const lines = tapText.split('\n')
  const open = [] // by depth: { name, shownBefore } of the subtests around the current line
  const out = []
  let shown = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const depth = Math.floor((line.length - line.trimStart().length) / 4)
    const subtest = /^\s*# Subtest: (.*)$/.exec(line)
    if (subtest) {
      open.length = depth
      open[depth] = { name: subtest[1], shownBefore: shown }
      continue
    }
    const notOk = /^\s*not ok \d+ - (.*?)(?: # time=.*)?$/.exec(line)
    if (!notOk) continue
    const closing = open[depth]?.name === notOk[1]
    const childFailureShown = closing && shown > open[depth].shownBefore
    open.length = closing ? depth : Math.min(open.length, depth)
    if (childFailureShown) continue
    out.push(`FAILED ${[...open.map((o) => o.name), notOk[1]].join(' > ')}`)
    shown++
    for (let j = i + 1, diagLines = 0; j < lines.length && diagLines < 4; j++) {
      const diag = lines[j].trim()
      if (diag === '---') continue
      if (diag === '...' || /^(not )?ok \d+/.test(diag) || diag.startsWith('# Subtest')) break
      out.push(`    ${diag.slice(0, 200)}`)
      diagLines++
    }
  }
  return out
}
