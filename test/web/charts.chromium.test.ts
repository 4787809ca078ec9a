// Render times and the teacher's dashboard in real Chromium on a real server: the Assets table's
// render-time column sorts, 'Slowest files' lists the slowest renders with why, the asset's chart has
// labelled axes, a legend and one mark per frame of its range (gaps for frames never rendered), and
// the dashboard draws its four parts with the numbers of a prepared week; students see no link to it.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset, AssetList, Dashboard } from '../../schemas/generated/types.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { prepareDashboardProject } from '../helpers/dashboard-project.ts'
import { callAs, hasChromium, launchBrowser, loggedInPage, openAs } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

/** Writes render statistics into an asset's sidecar on disk (as the farm would), with its frame range. */
function writeStats (server: TestServer, path: string, range: [number, number] | undefined, frames: Record<number, [number, number]>) {
  const file = join(server.projectDir(), `${path}.json`)
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Asset
  const at = new Date().toISOString()
  meta.renderStats = { frames: Object.fromEntries(Object.entries(frames).map(([f, [seconds, memoryMB]]) => [f, [{ seconds, memoryMB, at, node: 'pc-1' }]])), video: [] }
  if (range) { meta.frameStart = range[0]; meta.frameEnd = range[1] }
  writeFileSync(file, JSON.stringify(meta, null, 2))
}

const INTRO = 'shots/shot_010_intro.blend'
const HEIST = 'shots/shot_020_heist.blend'
const CAKE = 'props/cake.blend'

t.test('render time: sort by it, the slowest files, the asset\'s chart', async (t) => {
  const server = await startTestServer(t, { web: true })
  // Intro: frames 1–6 of 1–10 rendered, frame 4 slow (mean 19.7 s; whole 118 s + 4 × 19.7 s = 3 min 17 s).
  writeStats(server, INTRO, [1, 10], { 1: [10, 300], 2: [12, 310], 3: [11, 305], 4: [60, 900], 5: [13, 320], 6: [12, 315] })
  writeStats(server, HEIST, [1, 3], { 1: [100, 500], 2: [100, 500], 3: [100, 500] }) // 1 min 40 s a frame, 5 min whole
  writeStats(server, CAKE, [1, 1], { 1: [50, 200] }) // 50 s a frame, 50 s whole
  await until('the list carries the render times', async () => {
    const list = (await callAs(server, 'mia', 'GET', '/api/projects/demo/assets')).json as AssetList
    return list.assets.filter((a) => a.renderTime).length === 3
  })
  const list = (await callAs(server, 'mia', 'GET', '/api/projects/demo/assets')).json as AssetList
  t.match(list.assets.find((a) => a.path === INTRO)!.renderTime, { frames: 10, rendered: 6 }, 'the server works out the estimate')
  t.equal(Math.round(list.assets.find((a) => a.path === INTRO)!.renderTime!.estimateSeconds), 197)

  const browser = await launchBrowser(t)
  const { page, errors } = await openAs(browser, server, 'mia', '/assets')
  const table = page.locator('rfam-asset-table')
  const rows = table.locator('.asset-row')
  await rows.first().waitFor()
  t.equal(await table.locator('.asset-row[data-path="shots/shot_010_intro.blend"] .render-time').innerText().then((s) => s.replace(/\s+/g, ' ').trim()),
    '3 min 17 s whole 19.7 s a frame', 'the whole render and a frame, in words')
  const order = async () => (await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path))).slice(0, 4)

  await table.getByRole('button', { name: /Sort by render time of the whole file/ }).click()
  const byWhole = await order()
  t.same(byWhole.slice(0, 3), [HEIST, INTRO, CAKE], 'slowest whole render first')
  t.notOk(list.assets.find((a) => a.path === byWhole[3])?.renderTime, 'files never rendered come after')
  t.match(page.url(), /sort=renderEstimate&dir=desc/, 'the sort is in the address')
  await table.getByRole('button', { name: /Sort by render time of a frame/ }).click()
  t.same((await order()).slice(0, 3), [HEIST, CAKE, INTRO], 'by the time of a frame: the cake before the intro')
  await table.getByRole('button', { name: /Sort by render time of a frame/ }).click()
  t.equal((await order())[0] === HEIST, false, 'a second click sorts the other way')
  const tail = await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path))
  t.same(tail.filter((p) => [HEIST, CAKE, INTRO].includes(p!)), [INTRO, CAKE, HEIST], 'fastest first, still ahead of files never rendered')

  await page.getByRole('button', { name: 'Slowest files' }).click()
  const slowest = page.locator('rfam-slowest-files li')
  await slowest.first().waitFor()
  t.same(await slowest.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path)), [HEIST, INTRO, CAKE], 'slowest first')
  t.match(await slowest.nth(1).innerText(), /Shot 010 Intro:\s+3 min 17 s\s+10 frames at about 19.7 s each \(4 not rendered yet, counted at the average\)/, 'with why')
  t.match(page.url(), /view=slowest/)
  t.same((await order()).slice(0, 3), [HEIST, INTRO, CAKE], 'the table sorts the same way')

  await page.goto(`/asset?path=${INTRO}`)
  const chart = page.locator('rfam-render-stats rfam-frame-chart')
  await chart.locator('svg').waitFor()
  t.equal(await chart.locator('rect.bar').count(), 6, 'a bar per frame rendered')
  t.same(await chart.locator('path.gap').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.frame))), [7, 8, 9, 10], 'a gap per frame never rendered')
  t.same(await chart.locator('rect.bar.slowest').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.frame))), [4], 'the slowest frame stands out')
  t.same(await chart.locator('.axis-title').allTextContents(), ['Render time', 'Peak memory (MB)'], 'two value axes, titled: time on the left, memory on the right')
  t.same(await chart.locator('.axis text.label').allTextContents(), ['Frame'], 'and frames along the bottom')
  t.equal(await chart.locator('.axis.y.right text').count() > 2, true, 'the memory axis has its ticks')
  t.ok((await chart.locator('.axis.y.left text:not(.label)').allTextContents()).includes('1 min'), 'time ticks in words')
  t.same(await chart.locator('.legend li').allTextContents(), ['Render time', 'Slowest frames', 'Peak memory (MB)', 'Not rendered (gap)'], 'a legend')
  t.equal(await chart.locator('path.memory').count(), 1, 'memory as a line over the frames rendered')
  t.equal(await chart.locator('rect.bar[data-frame="4"] title').textContent(), 'Frame 4: 1 min, 900 MB', 'each bar says its numbers')
  await chart.getByText('The numbers').click()
  t.equal(await chart.locator('.numbers tbody tr').count(), 10, 'the table: one row per frame of the range')
  t.equal((await chart.locator('.numbers tbody tr').nth(8).innerText()).replace(/\s+/g, ' ').trim(), '9 not rendered')
  // A rendered shot's picture is its latest frame, which this test never wrote: those pictures are 404s.
  t.same(errors.filter((e) => !/status of 404/.test(e)), [], 'no page errors')
})

t.test('the dashboard of a prepared week; students see no link to it', async (t) => {
  const server = await startTestServer(t, { web: true })
  const expected = await prepareDashboardProject(server)
  const api = (await callAs(server, 'teacher', 'GET', '/api/projects/demo/dashboard')).json as Dashboard
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'teacher')
  await page.goto('/')
  await page.getByRole('navigation').getByRole('link', { name: 'Dashboard' }).click()
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor()
  const dash = page.locator('rfam-dashboard-page')

  // Assets per state per day: the table under the chart holds the replayed numbers.
  const states = dash.locator('section.states rfam-bar-chart')
  await states.locator('svg').waitFor()
  await states.getByText('The numbers').click()
  const table = await states.locator('.numbers tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim())))
  t.equal(table.length, 7, 'a row per day')
  const got: Record<string, number[]> = {}
  api.states.forEach((s, i) => { got[s.state] = table.map((row) => Number(row[i + 1])) })
  t.same(got, expected.states, 'the counts replayed from the history, day by day')
  t.equal(await states.locator('rect.bar').count(), Object.values(expected.states).flat().filter((n) => n > 0).length, 'a stacked bar part per state and day with assets')
  t.equal(await states.locator('.legend li').count(), api.states.length, 'a legend of the states')
  t.same([...await states.locator('.axis-title').allTextContents(), ...await states.locator('.axis text.label').allTextContents()], ['Assets', 'Day'], 'labelled axes')

  const people = dash.locator('section.people rfam-bar-chart')
  t.equal(await people.locator('rect.bar').count(), 1)
  t.equal(await people.locator('rect.bar title').textContent(), 'Leo Novak: 1', 'Leo rendered one hour')
  const shots = dash.locator('section.shots rfam-bar-chart')
  t.equal(await shots.locator('rect.bar title').textContent(), 'Shot 010 Intro: 1', 'all of it on Shot 010')
  const farm = dash.locator('section.farm')
  const busy = await farm.locator('rect.bar title').allTextContents()
  t.equal(Math.round(busy.reduce((sum, title) => sum + Number(title.split(': ')[1]), 0) * 100) / 100, expected.busyHoursTotal, 'half a node-hour: the two frames ran at once')
  await farm.getByText('Render nodes that worked for this project in these days: 1.').waitFor()

  const blocked = dash.locator('section.blocked-card li')
  t.same(await blocked.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path)), ['shots/shot_020_heist.blend', 'shots/shot_010_intro.blend'])
  t.match(await blocked.first().innerText(), /Shot 020 Heist[\s\S]*waits for Chef Bun \(Alex Rivera, Modelled\)[\s\S]*waits for Kitchen \(Sam Okafor, Incomplete\)/, 'who waits for what, and for whom')
  await dash.getByText('2 lines of history could not be read').waitFor()
  t.same(errors, [], 'no page errors')

  const student = await openAs(browser, server, 'mia', '/')
  await student.page.getByRole('navigation').getByRole('link', { name: 'Assets' }).waitFor()
  t.equal(await student.page.getByRole('navigation').getByRole('link', { name: 'Dashboard' }).count(), 0, 'no Dashboard link for a student')
  await student.page.goto('/dashboard')
  await student.page.getByRole('alert').getByText('teacher\'s dashboard', { exact: false }).waitFor()
  t.pass('a student who types the address is told only staff may see it')
})
