// A teacher sets up a class in the web UI alone, in a real browser: a new project, the class from a
// CSV file (one bad line shown in the dry run), everyone's pictures from a .zip (with a preview of
// whose each is), switching projects without logging out, and a PIN reset that the student then
// logs in with. The clicks of each step are counted (a choice in a list and a file chooser count as
// one click each; typing does not), and any page error fails the test. Every page a step reaches is
// checked as a first-time reader meets it (nothing cut off, no select too narrow, nothing wider than the
// window), and at the end looked at again in German (no English on it either).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import type { ProjectFile, User } from '../../schemas/generated/types.ts'
import { startTestServer } from '../helpers/server.ts'
import { makeZip } from '../helpers/zip-file.ts'
import { logIn } from '../helpers/login.ts'
import { colourPng, hasChromium, launchBrowser, loggedInPage, readJson, watchErrors } from './web-helper.ts'
import { checkPage, englishTexts } from './page-checks.ts'
import { Walk, inGerman } from './walk.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('new project → people from CSV → pictures from a .zip → switch project → reset a PIN and log in with it', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'teacher')
  const user = (ident: string) => readJson<User>(join(server.config.usersDir, `${ident}.json`))
  const walk = new Walk(t, page)
  const click = walk.click.bind(walk)
  const choose = walk.choose.bind(walk)
  const files = walk.files.bind(walk)

  walk.begin('new project')
  await page.goto('/')
  await page.getByRole('heading', { name: 'Hi Teacher!' }).waitFor()
  await choose(page.getByLabel('Switch project'), 'new project')
  await page.getByRole('heading', { name: 'New project', level: 1 }).waitFor()
  await page.getByLabel('Team name').fill('Red Team')
  t.equal(await page.getByLabel('Short name').inputValue(), 'red-team', 'the short name follows the team name')
  await page.getByLabel('Title').fill('The Lost Sock')
  await choose(page.getByLabel('Frame rate'), '25')
  await click(page.getByLabel('Mia Chen'))
  await click(page.getByRole('button', { name: 'Make the project' }))
  await page.getByRole('heading', { name: 'Add people', level: 1 }).waitFor()
  await page.locator('header').getByText('Red Team').first().waitFor()
  t.match(readJson<ProjectFile>(join(server.projectDir('red-team'), 'project.json')), { title: 'The Lost Sock', frameRate: 25 }, 'project.json holds the film')
  t.ok(user('mia').projects.includes('red-team'), 'Mia is in it')
  await walk.check('teacher')

  walk.begin('people from CSV')
  const csv = 'name,username,pin\nKim Park,kim,4711\nOla Nowak,ola,\nBad Line,Bad Name,\n'
  await files(page.getByLabel('Class list (CSV file)'), { name: 'class.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  const table = page.getByRole('region', { name: 'What happens to each line' })
  await table.waitFor()
  t.match(await table.getByRole('status').textContent(), /To add or change: 2\. Lines with a problem: 1\./)
  const bad = table.getByRole('row').filter({ hasText: 'Not added' })
  t.match(await bad.textContent(), /4[\s\S]*Bad Line[\s\S]*not allowed: use lower-case letters/, 'the bad line is shown with its number, its name and the reason')
  t.throws(() => user('kim'), 'the dry run wrote nothing')
  await walk.check('teacher')
  if (process.env.RFAM_SCREENSHOTS) await page.screenshot({ path: join(process.env.RFAM_SCREENSHOTS, 'people-check.png'), fullPage: true })
  await click(page.getByRole('button', { name: 'Add them now (2)' }))
  await page.getByRole('link', { name: /Next: everyone's pictures/ }).waitFor()
  t.match(user('kim'), { name: 'Kim Park', projects: ['red-team'] })
  t.ok(user('ola'), 'Ola is added too')
  await click(page.getByRole('link', { name: /Next: everyone's pictures/ }))
  await page.getByRole('heading', { name: "Everyone's pictures", level: 1 }).waitFor()
  await walk.check('teacher')

  walk.begin('pictures from a .zip')
  const zip = makeZip([
    { name: 'photos/Kim Park.jpg', data: await sharp(await colourPng('#e76f51', 200, 160)).jpeg().toBuffer() },
    { name: 'photos/ola.png', data: await colourPng('#2a9d8f', 200, 160) },
    { name: 'photos/mia_chen.png', data: await colourPng('#264653', 200, 160) },
    { name: 'photos/stranger.png', data: await colourPng('#000000', 200, 160) },
  ])
  await files(page.getByLabel('Pictures, or a .zip of them'), { name: 'class.zip', mimeType: 'application/zip', buffer: zip })
  const preview = page.getByRole('region', { name: 'Whose picture is which' })
  await preview.waitFor()
  t.equal(await preview.getByRole('img', { name: /How the picture of/ }).count(), 3, 'a preview of each matched picture')
  t.match(await preview.getByRole('row').filter({ hasText: 'Kim Park.jpg' }).textContent(), /For Kim Park/)
  t.match(await preview.getByRole('row').filter({ hasText: 'stranger.png' }).textContent(), /Nobody in this project is called "stranger"/)
  t.notOk(user('kim').image, 'nothing saved yet')
  await walk.check('teacher')
  if (process.env.RFAM_SCREENSHOTS) await page.screenshot({ path: join(process.env.RFAM_SCREENSHOTS, 'pictures-preview.png'), fullPage: true })
  await click(page.getByRole('button', { name: 'Save these pictures (3)' }))
  await preview.getByText('Saved: 3. Left out: 1.').waitFor()
  for (const ident of ['kim', 'ola', 'mia']) t.match(user(ident).image, new RegExp(`^data::pictures/users/${ident}\\.`), `${ident}'s picture is stored`)
  await walk.check('teacher')

  walk.begin('switch project')
  const switcher = page.getByLabel('Switch project')
  await choose(switcher, 'demo')
  await page.locator('header').getByText('The Cake Heist').first().waitFor()
  await click(page.getByRole('link', { name: 'Team', exact: true }))
  await page.getByRole('heading', { name: 'Alex Rivera' }).waitFor()
  t.pass('the demo team shows, without logging out')
  await choose(switcher, 'red-team')
  await page.getByRole('heading', { name: 'Kim Park' }).waitFor()
  t.pass('and back in Red Team, the Team page shows its people')
  await walk.check('teacher')

  walk.begin('reset a PIN and log in with it')
  await click(page.getByRole('link', { name: 'Kim Park' }))
  await page.getByRole('heading', { name: 'PIN', level: 2 }).waitFor()
  await click(page.getByRole('button', { name: 'Give a new PIN' }))
  const shown = page.locator('rfam-pin-card .pin')
  await shown.waitFor()
  const pin = (await shown.textContent())!.trim()
  t.match(pin, /^\d{6}$/, 'the new PIN is shown once')
  t.notMatch(readFileSync(join(server.config.usersDir, 'kim.json'), 'utf8'), new RegExp(pin), 'only its hash is kept')
  await walk.check('teacher')
  await click(page.getByRole('button', { name: 'Log out', exact: true }))
  await click(page.getByRole('button', { name: 'Red Team' }))
  await click(page.getByRole('button', { name: 'Kim Park' }))
  await page.getByLabel('Password or PIN for Kim Park').fill(pin)
  await click(page.getByRole('button', { name: 'Log in' }))
  // The page asked for stays: Kim's own profile, now hers.
  await page.getByRole('heading', { name: 'Your profile' }).waitFor()
  t.equal(await page.locator('header .user-name').textContent(), 'Kim Park', 'Kim logs in with the new PIN')
  t.match(await page.locator('header').textContent(), /Red Team/)
  await walk.check('kim')

  await page.goto('/credits')
  const roll = page.getByRole('article', { name: 'Credits' })
  await roll.getByText('The Lost Sock').waitFor()
  t.pass('the Credits page shows the film\'s title')
  t.match(await page.getByRole('region', { name: /Not final yet/ }).textContent(), /no licence yet/, 'and asks for its licence')
  await walk.check('kim')

  t.comment(walk.summary())
  t.same(walk.clicks, { 'new project': 4, 'people from CSV': 3, 'pictures from a .zip': 2, 'switch project': 3, 'reset a PIN and log in with it': 6 }, 'the clicks of each step')
  // Picking Kim's face asks the server, which answers that a PIN is needed (401): that one is expected.
  t.same(errors.filter((e) => !/status of 401/.test(e)), [], 'no page errors')

  // In German: the teacher's pages (in Red Team, where the walk left them; the walk's session was
  // logged out), then Kim's, in her own browser.
  const teacher = await logIn(server.url, 'teacher', { project: 'red-team', secret: '1234' })
  t.equal((await teacher.api('PATCH', '/api/users/teacher', { language: 'de' })).status, 200)
  t.equal((await teacher.api('PATCH', '/api/users/kim', { language: 'de' })).status, 200)
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } })
  await context.addCookies([{ name: 'rfam_session', value: teacher.cookie.split('=')[1]!, url: server.url, httpOnly: true, sameSite: 'Strict' }])
  const teacherPage = await context.newPage()
  const teacherErrors = watchErrors(teacherPage)
  await inGerman(t, teacherPage, walk.reached, 'teacher')
  // What the checks said (which a reload does not show again), in German too: the server's reasons included.
  const german = async (region: string, what: string) => {
    await teacherPage.getByRole('region', { name: region }).waitFor()
    const found = await checkPage(teacherPage, englishTexts('de'))
    if (process.env.RFAM_SCREENSHOTS) await teacherPage.screenshot({ path: join(process.env.RFAM_SCREENSHOTS, `de-${region}.png`), fullPage: true })
    t.same(found.english, [], `German, ${what}: no English words`)
    t.same(found.cutOff, [], `German, ${what}: no text cut off or out of its box`)
  }
  await teacherPage.goto('/people/import')
  await teacherPage.getByLabel('Oder füge die Liste hier ein').fill(csv)
  await teacherPage.getByRole('button', { name: 'Liste prüfen' }).click()
  await german('Was mit jeder Zeile passiert', 'the check of the class list')
  await teacherPage.getByText('Der Benutzername „Bad Name“ geht nicht').waitFor()
  await teacherPage.goto('/people/pictures')
  await teacherPage.getByLabel('Bilder oder eine .zip-Datei mit Bildern').setInputFiles({ name: 'class.zip', mimeType: 'application/zip', buffer: zip })
  await german('Wem welches Bild gehört', 'whose picture is which')
  await teacherPage.getByText('In diesem Projekt heißt niemand „stranger“').waitFor()
  t.same(teacherErrors, [], 'no page errors in German (teacher)')
  await context.close()
  const kimErrors = watchErrors(page)
  await inGerman(t, page, walk.reached, 'kim')
  t.same(kimErrors, [], 'no page errors in German (Kim)')
})

t.test('students see none of it: no New project link, no PIN buttons, the set-up pages say to ask the teacher', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  await page.goto('/profile/mia')
  await page.getByRole('heading', { name: 'Mia Chen' }).waitFor()
  t.equal(await page.getByRole('button', { name: /PIN/ }).count(), 0)
  t.equal(await page.getByLabel('Switch project').count(), 0, 'one project: no switcher')
  for (const path of ['/projects/new', '/people/import', '/people/pictures']) {
    await page.goto(path)
    await page.getByText('Only staff can set up projects and people. Ask your teacher.').waitFor()
  }
  t.pass('each set-up page says who can use it')
  t.same(errors, [], 'no page errors')
})
