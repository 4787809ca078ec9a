// Switching the language: every string of the pages changes, the choice is stored with the person, and a
// reload (or another computer) keeps it.
import t from 'tap'
import { join } from 'node:path'
import type { User } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { hasChromium, launchBrowser, openAs, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('a logged-in person switches to German and keeps it', async (t) => {
  const { server, browser, page, errors } = await startAndOpen(t, 'alex', '/')
  await page.getByRole('heading', { name: 'Hi Alex Rivera!' }).waitFor()
  await page.locator('header').getByLabel('Language').selectOption('de')
  await page.getByRole('heading', { name: 'Hallo Alex Rivera!' }).waitFor()
  const tabs = await page.getByRole('navigation', { name: 'Seiten' }).getByRole('link').allTextContents()
  t.same(tabs, ['Start', 'Assets', 'Team', 'Projekt', 'Shots', 'Film', 'Rendern', 'Abspann'], 'the tabs are German')
  t.ok(await page.getByRole('button', { name: 'Abmelden' }).isVisible())
  t.equal(await page.evaluate(() => document.documentElement.lang), 'de', 'the document says its language')
  await until('stored', () => readJson<User>(join(server.config.usersDir, 'alex.json')).language === 'de')
  t.pass('the choice is in the user file')

  await page.goto('/assets')
  await page.getByText('Assets insgesamt: 10').waitFor()
  t.equal(await page.getByLabel('Stand von Chef Bun').locator('option:checked').textContent(), 'Modelliert', 'state names are translated too')

  const other = await openAs(browser, server, 'alex', '/team')
  await other.page.getByRole('heading', { name: 'Team', level: 1 }).waitFor()
  // The team list arrives after the heading: wait for it rather than look once.
  await other.page.getByText('Arbeitet an').first().waitFor()
  t.pass('a fresh browser shows Alex\'s pages in German')
  t.same([...errors, ...other.errors], [], 'no page errors')
})

t.test('the log-in page switches language for this browser only', async (t) => {
  const server = await startTestServer(t, { web: true })
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ baseURL: server.url })
  await page.goto('/')
  await page.getByLabel('Language').selectOption('de')
  await page.getByRole('heading', { name: 'Willkommen bei RFAM' }).waitFor()
  await page.getByRole('button', { name: 'Mia Chen' }).click()
  await page.getByRole('heading', { name: 'Hallo Mia Chen!' }).waitFor()
  t.equal(readJson<User>(join(server.config.usersDir, 'mia.json')).language, '', 'nothing was stored for Mia')
})
