// The Project page (roles in order, external assets, staff adding people and the team picture), the
// credits made from it, and profile pictures, in a real browser.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProjectFile, User } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { colourPng, hasChromium, launchBrowser, loggedInPage, openAs, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('roles move up and down, in project.json and in the credits', async (t) => {
  // Roles are the film's settings: staff change them (test/web/permissions.chromium.test.ts walks a student).
  const { server, page, errors } = await startAndOpen(t, 'teacher', '/project')
  const projectFile = () => readJson<ProjectFile>(join(server.projectDir(), 'project.json'))
  const order = () => projectFile().roles!.map((r) => r.role)
  t.same(order(), ['Director', 'Story', 'Character Design', 'Modelling', 'Modelling', 'Animation'])
  const up = page.getByRole('button', { name: 'Move Story (Leo Novak) up' })
  await up.click()
  await until('Story first on disk', () => order()[0] === 'Story')
  t.same(order(), ['Story', 'Director', 'Character Design', 'Modelling', 'Modelling', 'Animation'], 'moved up one place')
  const focused = await page.evaluate(() => {
    let active = document.activeElement
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
    return active?.getAttribute('aria-label')
  })
  t.equal(focused, 'Move Story (Leo Novak) down', 'the focus stays with the moved role (its up button is disabled now)')
  await page.getByRole('button', { name: 'Move Director (Zoë Haddad) down' }).click()
  await until('Director third', () => order()[2] === 'Director')
  // Keyboard use: focus the button as a Tab would (the focus-keeping after a move is checked
  // above; after a mouse click the browser may put it elsewhere), then press Enter.
  await page.getByRole('button', { name: 'Move Director (Zoë Haddad) down' }).focus()
  await page.keyboard.press('Enter')
  await until('Director fourth (keyboard)', () => order()[3] === 'Director')
  t.pass('the focused button moves the role again from the keyboard')

  await page.locator('#new-role').fill('Music')
  await page.locator('#new-role-user').selectOption('mia')
  await page.getByRole('button', { name: 'Add role' }).click()
  await until('Music added', () => order().at(-1) === 'Music')
  t.equal(projectFile().roles!.at(-1)!.user, 'mia')

  await page.getByRole('link', { name: 'Credits' }).first().click()
  await page.getByRole('heading', { name: 'Credits', level: 1 }).waitFor()
  const roll = page.getByRole('article', { name: 'Credits' })
  const headings = await roll.getByRole('heading').allTextContents()
  t.same(headings.slice(0, 4), ['Story', 'Character Design', 'Modelling', 'Director'], 'the credits follow the order')
  t.ok(headings.includes('Music'))
  t.same(errors, [], 'no page errors')
})

t.test('credits flag an external asset without a licence until it has one; download as text', async (t) => {
  const { server, browser, page } = await startAndOpen(t, 'zoe', '/credits')
  const warnings = page.getByRole('region', { name: /Not final yet/ })
  await warnings.waitFor()
  t.match(await warnings.textContent(), /Door creak sound/, 'the asset without a licence is named')
  const download = page.getByRole('link', { name: /Download as text/ })
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
  const { readFile } = await import('node:fs/promises')
  const text = await readFile((await file.path())!, 'utf8')
  t.match(text, /Director\n\nZoë Haddad/, 'the download is the plain-text roll')
  t.match(text, /The Cake Heist\nCreative Commons Attribution 4\.0/, 'ending with the title and licence')

  // External assets are the film's settings: a teacher fills in the licence.
  const { page: staff } = await loggedInPage(browser, server, 'teacher')
  await staff.goto('/project')
  const licence = staff.locator('li.external').filter({ has: staff.locator('input').first() }).nth(1).getByLabel('Licence')
  await licence.fill('CC BY 4.0')
  await licence.blur()
  await until('licence saved', () => readJson<ProjectFile>(join(server.projectDir(), 'project.json')).externalAssets!.every((e) => e.license))
  await staff.getByRole('link', { name: 'Credits' }).first().click()
  await staff.getByText('Every external asset has a licence').waitFor()
  t.pass('with every licence in place the credits can be final')

  await staff.goto('/project')
  await staff.locator('#new-ext-description').fill('Theme music')
  await staff.locator('#new-ext-origin').fill('A friend')
  await staff.getByRole('button', { name: 'Add external asset' }).click()
  await until('added', () => readJson<ProjectFile>(join(server.projectDir(), 'project.json')).externalAssets!.length === 3)
  await staff.getByText('No licence yet').waitFor()
  t.pass('a new external asset without licence is flagged on the Project page')
})

t.test('staff add a person to the project and change the team picture', async (t) => {
  const server = await startTestServer(t, { web: true })
  const kim: User = { ident: 'kim', name: 'Kim Park', image: null, projects: [] }
  writeFileSync(join(server.config.usersDir, 'kim.json'), JSON.stringify(kim))
  const { page, errors } = await openAs(await launchBrowser(t), server, 'teacher', '/project')
  const select = page.getByLabel('Add a person to this project')
  await until('Kim is offered', async () => (await select.locator('option').allTextContents()).includes('Kim Park'))
  await select.selectOption('kim')
  await page.getByRole('button', { name: 'Add', exact: true }).last().click()
  await until('Kim is in the project', () => readJson<User>(join(server.config.usersDir, 'kim.json')).projects.includes('demo'))
  t.pass('the user file lists the project')

  const header = page.locator('header img').first()
  const before = await header.getAttribute('src')
  await page.getByLabel('Team picture', { exact: true }).setInputFiles({ name: 'team.png', mimeType: 'image/png', buffer: await colourPng('#2a9d8f') })
  await until('the header shows the new picture', async () => (await header.getAttribute('src')) !== before)
  t.match(await header.getAttribute('src'), /\/api\/projects\/demo\/picture\?v=/)
  const served = await page.evaluate(async (src) => {
    const res = await fetch(src!)
    return res.headers.get('content-type')
  }, await header.getAttribute('src'))
  t.equal(served, 'image/jpeg', 'stored resized as a JPEG')
  t.same(errors, [], 'no page errors')
})

t.test('a student uploads a profile picture; a file that is not a picture is refused', async (t) => {
  const { server, page, errors } = await startAndOpen(t, 'alex', '/profile')
  await page.getByRole('heading', { name: 'Your profile' }).waitFor()
  const input = page.getByLabel('New picture')
  await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
  t.match(await page.getByRole('alert').textContent(), /JPEG, PNG, WebP or GIF/, 'the browser refuses a text file at once')

  await input.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await colourPng('#e76f51') })
  await until('stored', () => readJson<User>(join(server.config.usersDir, 'alex.json')).image)
  const headerFace = page.locator('header a.user img')
  await until('the header face changes', async () => /\?v=/.test((await headerFace.getAttribute('src')) ?? ''))
  t.match(readJson<User>(join(server.config.usersDir, 'alex.json')).image, /^data::pictures\/users\/alex\./, 'the user file points at the stored picture')

  // A file that claims to be a picture but is not: the server refuses with its sentence.
  await input.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') })
  const toast = page.getByRole('alert').filter({ hasText: 'not a picture' })
  await toast.waitFor()
  t.pass('the server\'s refusal is shown')
  t.same(errors.filter((e) => !e.includes('status of 400')), [], 'no page errors')
})
