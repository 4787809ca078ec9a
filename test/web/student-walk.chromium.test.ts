// A student's goals, walked in a real browser the way someone new to RFAM walks them: by the buttons,
// links and labels they can see. Leo (a demo student: the intro shot and the story notes are his) logs
// in, sees what to do first, opens it, changes its state, makes a new asset, renders his shot with the
// file's own frames, watches the render, and gets the Blender add-on and a connect code. Each goal
// after log-in starts on Home; its clicks are counted (a choice in a list counts as one click, typing
// does not) and may be 3 at most. Every page a goal reaches is checked in English (nothing cut off,
// no select too narrow, nothing wider than the window), then again in German (no English either),
// and any page error fails the test.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset, JobList, RenderSettingsView, Todo } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { until } from '../helpers/until.ts'
import { callAs, hasChromium, launchBrowser, readJson, watchErrors } from './web-helper.ts'
import { Walk, inGerman } from './walk.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const SHOT = 'shots/shot_010_intro.blend'

t.test('a student\'s goals from Home, each in 3 clicks or fewer, in English and in German', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  const errors = watchErrors(page)
  const walk = new Walk(t, page)
  const sidecar = (path: string) => readJson<Asset>(join(server.projectDir(), `${path}.json`))
  const home = async () => {
    await page.goto('/')
    await page.getByRole('heading', { name: 'Hi Leo Novak!' }).waitFor()
  }
  const current = page.getByRole('article', { name: 'Shot 010 Intro' })

  walk.begin('log in')
  await page.goto('/')
  await page.getByRole('heading', { name: 'Welcome to RFAM' }).waitFor()
  // The only project is picked already: the faces of its people are there to pick.
  await walk.click(page.getByRole('button', { name: 'Leo Novak' }))
  await page.getByRole('heading', { name: 'Hi Leo Novak!' }).waitFor()
  await walk.check('leo')
  // Before log-in the app asks who is logged in and is answered 401: that is the answer, not an error.
  t.same(errors.splice(0).filter((e) => !/status of 401/.test(e)), [], 'no page errors while logging in')

  walk.begin('what now')
  await home()
  const todo = (await callAs(server, 'leo', 'GET', '/api/projects/demo/todo')).json as Todo
  const priorities = todo.assets.map((a) => a.truePriority)
  t.same(priorities, [...priorities].sort((a, b) => b - a), 'the to-do list is sorted by true priority')
  t.equal(todo.assets[0]?.path, SHOT, 'the intro shot comes first')
  await current.getByText('Work on this now').waitFor()
  t.pass('Home shows it first, as the thing to work on now')
  const next = page.getByRole('table', { name: 'Next on your list' })
  t.same(await next.getByRole('link').allTextContents(), todo.assets.slice(1).map((a) => a.meta!.name), 'then the rest of the list, in the same order')
  await walk.check('leo')

  walk.begin('open')
  await home()
  await walk.click(current.getByRole('link', { name: 'Shot 010 Intro' }))
  await page.getByRole('heading', { name: 'Shot 010 Intro', level: 1 }).waitFor()
  t.match(page.url(), /\/asset\?path=shots\/shot_010_intro\.blend/, 'the shot\'s own page')
  await page.getByRole('heading', { name: 'File', level: 2 }).waitFor()
  await walk.check('leo')

  walk.begin('change state')
  await home()
  t.equal(sidecar(SHOT).state, 'ns')
  await walk.choose(current.getByLabel('State'), 'ic')
  await until('the new state is on disk', () => sidecar(SHOT).state === 'ic')
  await current.getByText('Incomplete').first().waitFor()
  t.pass('saved in the sidecar, and Home shows it')
  await walk.check('leo')

  walk.begin('new asset')
  await home()
  await walk.click(page.getByRole('link', { name: 'New asset' }))
  await page.getByRole('heading', { name: 'New asset', level: 1 }).waitFor()
  await page.getByLabel('Name', { exact: true }).fill('Shot 030 Chase')
  await walk.choose(page.getByLabel('Type', { exact: true }), 'shot')
  await walk.click(page.getByRole('button', { name: 'Create' }))
  await page.getByRole('heading', { name: 'Shot 030 Chase', level: 1 }).waitFor()
  t.ok(existsSync(join(server.projectDir(), 'shots/shot_030_chase.blend')), 'the new .blend is in the project folder')
  t.match(sidecar('shots/shot_030_chase.blend'), { name: 'Shot 030 Chase', type: 'shot', owner: 'leo' }, 'Leo\'s, with its sidecar')
  await walk.check('leo')

  walk.begin('render with the file\'s range')
  await home()
  await walk.click(page.getByRole('link', { name: 'Rendering', exact: true }))
  const form = page.getByRole('region', { name: 'Render a file' })
  await walk.choose(form.getByLabel('File to render'), SHOT)
  await form.getByText('The file says: 96 frames, 24 fps, 2048×858, Eevee').waitFor()
  await walk.click(form.getByRole('button', { name: 'Render', exact: true }))
  const file = ((await callAs(server, 'leo', 'GET', `/api/projects/demo/render-settings/${SHOT}`)).json as RenderSettingsView).settings!
  t.match(file, { frameStart: 1, frameEnd: 96 }, 'the .blend says frames 1–96')
  const job = await until('the job is made', async () => ((await callAs(server, 'leo', 'GET', '/api/projects/demo/jobs')).json as JobList).jobs.find((j) => j.path === SHOT))
  t.match(job, { frameStart: file.frameStart, frameEnd: file.frameEnd, name: 'Shot 010 Intro' }, 'the job renders the file\'s frames, not Blender\'s 1–250')
  t.match(job.settings, { fps: file.fps, resolution: file.resolution, engine: file.engine }, 'and knows what the file renders')
  await walk.check('leo')

  walk.begin('watch it')
  await home()
  await walk.click(page.getByRole('link', { name: 'Rendering', exact: true }))
  const card = page.getByRole('article', { name: 'Shot 010 Intro' })
  await card.getByText('0 of 96 frames done').waitFor()
  t.ok(await card.getByRole('progressbar').isVisible(), 'the job\'s card shows its progress')
  await walk.check('leo')

  walk.begin('get the add-on and connect it')
  await home()
  const addon = page.getByRole('region', { name: 'Use RFAM in Blender' })
  const [download] = await Promise.all([page.waitForEvent('download'), walk.click(addon.getByRole('link', { name: 'Download the add-on' }))])
  t.equal(download.suggestedFilename(), 'rfam-addon.zip')
  t.equal(readFileSync((await download.path())).subarray(0, 2).toString('latin1'), 'PK', 'the download is a zip')
  await walk.click(addon.getByRole('button', { name: 'Get a connect code' }))
  t.match((await addon.getByLabel('Your connect code').textContent())?.trim(), /^[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'a connect code to type into Blender')
  await walk.check('leo')

  t.comment(walk.summary())
  t.same(walk.clicks, {
    'log in': 1,
    'what now': 0,
    open: 1,
    'change state': 1,
    'new asset': 3,
    'render with the file\'s range': 3,
    'watch it': 1,
    'get the add-on and connect it': 2,
  }, 'the clicks of each goal')
  for (const [goal, clicks] of Object.entries(walk.clicks)) t.ok(clicks <= 3, `${goal}: ${clicks} clicks from ${goal === 'log in' ? 'the log-in page' : 'Home'}, 3 at most`)

  await callAs(server, 'leo', 'PATCH', '/api/users/leo', { language: 'de' })
  await inGerman(t, page, walk.reached, 'leo')
  t.same(errors, [], 'no page errors after log-in')
  await context.close()
})
