// Creating an asset from the New page, and deleting one after a confirm, in a real browser.
import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset } from '../../schemas/generated/types.ts'
import { hasChromium, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('the file name is filled in from type and name, and the new asset opens', async (t) => {
  const { server, page, errors } = await startAndOpen(t, 'sam', '/assets')
  await page.getByRole('link', { name: '+ New' }).click()
  await page.getByRole('heading', { name: 'New asset' }).waitFor()
  await page.getByLabel('Name', { exact: true }).fill('Hero Shot: Take 2!')
  await page.getByLabel('Type').selectOption('shot')
  const fileName = page.getByLabel('File name')
  t.equal(await fileName.inputValue(), 'shots/hero_shot_take_2.blend', 'derived from the type directory, the name and the template')
  await page.getByLabel('Type').selectOption('char')
  t.equal(await fileName.inputValue(), 'characters/hero_shot_take_2.blend', 'follows the type')
  await page.getByLabel('Description').fill('The big moment.')
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('heading', { name: 'Hero Shot: Take 2!', level: 1 }).waitFor()
  t.match(page.url(), /\/asset\?path=characters\/hero_shot_take_2\.blend$/, 'the asset\'s page opened')
  const dir = server.projectDir()
  t.ok(existsSync(join(dir, 'characters/hero_shot_take_2.blend')), 'the file was made from the template')
  t.match(readJson<Asset>(join(dir, 'characters/hero_shot_take_2.blend.json')), {
    name: 'Hero Shot: Take 2!', type: 'char', owner: 'sam', creator: 'sam', description: 'The big moment.',
  }, 'the sidecar has what was typed; the creator owns it')

  await page.getByRole('link', { name: '+ New' }).click()
  await page.getByLabel('Name', { exact: true }).fill('Pie')
  await page.getByLabel('Type').selectOption('prop')
  await fileName.fill('props/desserts/apple_pie.blend')
  await page.getByLabel('Type').selectOption('set')
  t.equal(await fileName.inputValue(), 'props/desserts/apple_pie.blend', 'a typed file name is kept')
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('heading', { name: 'Pie', level: 1 }).waitFor()
  t.ok(existsSync(join(dir, 'props/desserts/apple_pie.blend')), 'created where the person said')

  await page.getByRole('link', { name: '+ New' }).click()
  await page.getByLabel('Name', { exact: true }).fill('Pie again')
  await page.getByLabel('Type').selectOption('prop')
  await fileName.fill('props/desserts/apple_pie.blend')
  await page.getByRole('button', { name: 'Create' }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  t.ok((await alert.textContent())!.length > 10, `an existing file is refused with a sentence: ${await alert.textContent()}`)
  t.same(errors.filter((e) => !/status of 409|status of 400/.test(e)), [], 'no page errors')
})

t.test('delete asks first, then moves the file to old/', async (t) => {
  const { server, page } = await startAndOpen(t, 'mia', '/asset?path=props/rolling_pin.blend')
  const dir = server.projectDir()
  await page.getByRole('heading', { name: 'Rolling Pin', level: 1 }).waitFor()
  await page.getByRole('button', { name: 'Delete' }).click()
  const dialog = page.getByRole('dialog', { name: 'Delete this asset?' })
  await dialog.waitFor()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  t.ok(existsSync(join(dir, 'props/rolling_pin.blend')), 'Cancel keeps the file')
  await page.getByRole('button', { name: 'Delete' }).click()
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await page.getByRole('heading', { name: 'Assets', level: 1 }).waitFor()
  t.notOk(existsSync(join(dir, 'props/rolling_pin.blend')), 'the file is gone from its folder')
  t.ok(readdirSync(join(dir, 'props/old')).some((name) => name.startsWith('rolling_pin.')), 'and is in props/old/')
  t.match(await page.getByRole('status').filter({ hasText: 'old/' }).first().textContent(), /Rolling Pin/, 'a message says where it went')
})

t.test('a checkpoint is saved from the asset page', async (t) => {
  const { server, page } = await startAndOpen(t, 'alex', '/asset?path=characters/chef_bun.blend')
  await page.getByRole('button', { name: 'Keep a copy of this version' }).click()
  const status = page.getByRole('status').filter({ hasText: 'A copy of this version is kept as' })
  await status.waitFor()
  const copies = readdirSync(join(server.projectDir(), 'characters/old'))
  t.equal(copies.length, 1, 'one copy in characters/old/')
  t.match(await status.textContent(), copies[0]!.replace(/\.blend$/, ''), 'the message names the copy')
})
