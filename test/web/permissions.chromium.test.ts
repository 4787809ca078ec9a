// Who may do what (issue 11) in a real browser: a student sees the film's settings read-only (and may
// still write its description), staff edit them as before; a job card offers its controls only to
// the people who may use them.
import t from 'tap'
import { join } from 'node:path'
import type { JobView, ProjectFile } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, callAs, launchBrowser, loggedInPage, openAs, readJson } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

const HINT = 'Only a teacher can change these.'

t.test('a student sees the film\'s settings read-only; a teacher edits them', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const projectFile = () => readJson<ProjectFile>(join(server.projectDir(), 'project.json'))
  const before = projectFile()

  const student = await loggedInPage(browser, server, 'alex', { width: 360 })
  const page = student.page
  await page.goto('/project')
  const film = page.getByRole('region', { name: 'The film' })
  await film.getByText('The Cake Heist', { exact: true }).waitFor()
  t.ok(await film.getByText('Creative Commons Attribution 4.0 (CC BY 4.0)', { exact: true }).isVisible(), 'the licence, as text')
  t.ok(await film.getByText('2K Scope Eevee', { exact: true }).isVisible(), 'the settings set, as text')
  t.equal(await page.getByText(HINT).count(), 3, 'the film, the roles and the external assets each say only a teacher changes them')
  t.equal(await film.getByLabel('Title').count(), 0, 'no title field')
  t.equal(await film.getByLabel('Licence of the film').count(), 0, 'no licence field')
  t.equal(await film.getByRole('combobox').count(), 0, 'no settings set to choose')

  const roles = page.getByRole('region', { name: 'Roles in the credits' })
  t.same((await roles.getByRole('listitem').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim()),
    ['Director: Zoë Haddad', 'Story: Leo Novak', 'Character Design: Alex Rivera', 'Modelling: Mia Chen', 'Modelling: Sam Okafor', 'Animation: Zoë Haddad'], 'the roles in order, as text')
  const externals = page.getByRole('region', { name: 'External assets' })
  const lines = (await externals.getByRole('listitem').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim())
  t.match(lines[0], /Kitchen HDRI.*CC0.*Poly Haven/, 'an external asset with its licence and origin')
  t.match(lines[1], /Door creak sound.*No licence yet.*freesound\.org/, 'one without a licence is still flagged')
  for (const region of [roles, externals]) {
    t.equal(await region.getByRole('button').count(), 0, 'no move, remove or add buttons')
    t.equal(await region.getByRole('textbox').count(), 0, 'no fields')
  }
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the read-only page fits a phone')

  const description = film.getByLabel('Description')
  await description.fill('A hungry chef and a cake that fights back.')
  await description.blur()
  await until('the description is saved', () => projectFile().description === 'A hungry chef and a cake that fights back.')
  t.pass('a student still writes the film\'s description')
  t.same({ ...projectFile(), description: before.description }, before, 'and nothing else changed')
  t.same(student.errors, [], 'no page errors for the student')

  const teacher = await openAs(browser, server, 'teacher', '/project')
  const staffFilm = teacher.page.getByRole('region', { name: 'The film' })
  const title = staffFilm.getByLabel('Title')
  await title.fill('The Great Cake Heist')
  await title.blur()
  await until('the title is saved', () => projectFile().title === 'The Great Cake Heist')
  t.equal(await teacher.page.getByText(HINT).count(), 0, 'staff get no hint')
  t.ok(await teacher.page.getByRole('button', { name: 'Add role' }).isVisible(), 'staff add roles')
  t.ok(await teacher.page.getByRole('button', { name: 'Add external asset' }).isVisible(), 'and external assets')
  t.same(teacher.errors, [], 'no page errors for staff')
})

t.test('a job card offers pause, cancel and priority only to the people who may use them', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const submit = async (who: string, file: string) => {
    const res = await callAs(server, who, 'POST', '/api/projects/demo/jobs', { file, frameStart: 1, frameEnd: 3 })
    t.equal(res.status, 201)
    return res.json as JobView
  }
  // Cake is mia's; Kitchen is sam's, leo helps on it.
  const cake = await submit('mia', 'props/cake.blend')
  const kitchen = await submit('sam', 'sets/kitchen.blend')

  const mia = await openAs(browser, server, 'mia', '/rendering')
  const card = (page: typeof mia.page, name: string) => page.locator('rfam-job-card').filter({ has: page.getByRole('heading', { name, exact: true }) })
  await card(mia.page, 'Kitchen').getByText('0 of 3 frames done').waitFor()
  t.ok(await card(mia.page, 'Cake').getByRole('button', { name: 'Pause: Cake' }).isVisible(), 'mia controls her own render')
  t.ok(await card(mia.page, 'Cake').getByLabel('Priority').isVisible())
  const others = card(mia.page, 'Kitchen')
  // Watching the frames is for everyone; changing the job is not.
  const controls = (c: ReturnType<typeof card>) => c.getByRole('button').filter({ hasNotText: 'Watch' })
  t.ok(await others.getByRole('button', { name: 'Watch the frames of Kitchen' }).isVisible(), 'anyone may watch sam\'s render')
  t.equal(await controls(others).count(), 0, 'no controls on sam\'s render of Kitchen')
  t.equal(await others.getByRole('spinbutton').count(), 0, 'no priority field on it')
  t.ok(await others.getByText(`Priority: ${kitchen.priority}`).isVisible(), 'its priority shows as text')
  t.ok(await others.getByText('Only the person who started this job, the people working on its asset, or a teacher can change it.').isVisible(), 'and why there are no controls')
  const helped = await callAs(server, 'sam', 'PATCH', '/api/projects/demo/assets/sets/kitchen.blend', { support: ['leo', 'mia'] })
  t.equal(helped.status, 200, 'sam asks mia to help on Kitchen')
  await others.getByRole('button', { name: 'Pause: Kitchen' }).waitFor()
  t.pass('the Kitchen card offers mia its controls at once, without a reload')
  t.same(mia.errors, [], 'no page errors for mia')

  const leo = await openAs(browser, server, 'leo', '/rendering')
  await card(leo.page, 'Kitchen').getByRole('button', { name: 'Pause: Kitchen' }).click()
  await card(leo.page, 'Kitchen').locator('.status.paused').waitFor()
  t.equal(server.app.farm.getJob('demo', kitchen.id).status, 'paused', 'leo, who helps on Kitchen, paused it')
  t.equal(await controls(card(leo.page, 'Cake')).count(), 0, 'but gets no controls on mia\'s Cake')
  t.same(leo.errors, [], 'no page errors for leo')

  const teacher = await openAs(browser, server, 'teacher', '/rendering')
  await card(teacher.page, 'Cake').getByRole('button', { name: 'Cancel: Cake' }).click()
  await card(teacher.page, 'Cake').getByRole('dialog').getByRole('button', { name: 'Yes, cancel it' }).click()
  await card(teacher.page, 'Cake').locator('.status.cancelled').waitFor()
  t.equal(server.app.farm.getJob('demo', cake.id).status, 'cancelled', 'staff control every job')
  t.ok(await card(teacher.page, 'Kitchen').getByRole('button', { name: 'Resume: Kitchen' }).isVisible())
  t.same(teacher.errors, [], 'no page errors for staff')
})
