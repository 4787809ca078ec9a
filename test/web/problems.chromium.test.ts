// The Problems section of the Project page (issue 16 item 4): staff see every damaged file with what it
// stops and what to do, live as files break and are fixed; students see nothing of it. Real Chromium.
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('staff see damaged files on the Project page, live; students do not', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const mia = join(server.config.usersDir, 'mia.json')
  const miaBefore = readFileSync(mia, 'utf8')
  writeFileSync(mia, '{\n  "ident": "mia",,\n}\n')
  const { page, errors } = await loggedInPage(browser, server, 'teacher')
  await page.goto('/project')
  const problems = page.getByRole('region', { name: 'Problems' })
  await problems.waitFor()
  await until('Mia\'s file listed', async () => (await problems.textContent())?.includes('users/mia.json is damaged: not valid JSON (line 2, column 18). Fix or restore it; until then mia cannot log in.'))
  t.pass('a person\'s damaged file, why, and what it stops')

  writeFileSync(join(server.projectDir(), 'props', 'cake.blend.json'), '{"name": "Cake"')
  await until('the broken asset listed', async () => (await problems.textContent())?.includes('Assets whose details file cannot be read: 1.'))
  const link = problems.getByRole('link', { name: 'props/cake.blend' })
  t.match(await link.getAttribute('href'), /^\/asset\?path=props\/cake\.blend/, 'each broken asset links to its page, which says why')

  writeFileSync(join(server.projectDir(), 'project.json'), '{"title": "The Cake Heist", "roles": 3}')
  await until('project.json listed', async () => (await problems.textContent())?.includes('data::demo/project.json is damaged: /roles must be array. Fix or restore it; until then the film\'s details and credits leave out what cannot be read.'))
  t.equal(await page.getByLabel('Title').first().inputValue(), 'The Cake Heist', 'the film\'s title still shows')

  writeFileSync(mia, miaBefore)
  await until('Mia\'s file gone from the list', async () => !(await problems.textContent())?.includes('users/mia.json'))
  t.pass('a fixed file leaves the list by itself')
  t.same(errors, [], 'no page errors')

  const { page: student, errors: studentErrors } = await loggedInPage(browser, server, 'sam')
  await student.goto('/project')
  await student.getByRole('heading', { name: 'Project', level: 1 }).waitFor()
  await student.getByRole('heading', { name: 'The film' }).waitFor()
  t.equal(await student.getByRole('region', { name: 'Problems' }).count(), 0, 'students do not see the section')
  t.same(studentErrors, [], 'and the page asks nothing it may not (no 403)')
})
