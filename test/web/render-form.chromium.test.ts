// The render form in a real browser against the real server and the demo's real .blend files: the
// frames start as the file's own (read by the server from the .blend: the intro shot is 96 frames),
// what the file renders is said in plain words, a movie file sent as frames is warned about before
// Render is pressed, only frames chosen on purpose are remembered on the asset, and a file that is
// no .blend is refused in the server's words.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { hasChromium, readJson, startAndOpen } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

t.test('the form offers the file\'s frames and says what would spoil the render', async (t) => {
  const { server, page, errors } = await startAndOpen(t, 'leo', '/rendering')
  const sidecar = () => readJson<Asset>(join(server.projectDir(), 'shots/shot_010_intro.blend.json'))
  const form = page.locator('rfam-job-form')
  const start = form.getByLabel('First frame')
  const end = form.getByLabel('Last frame')

  await form.getByLabel('File to render').selectOption('shots/shot_010_intro.blend')
  await form.getByText('The file says: 96 frames, 24 fps, 2048×858, Eevee').waitFor()
  t.equal(await start.inputValue(), '1', 'the file\'s first frame')
  t.equal(await end.inputValue(), '96', 'the file\'s last frame, not Blender\'s default 250')
  t.equal(await form.getByRole('alert').count(), 0, 'nothing spoils this one')

  // Frames chosen on purpose are rendered and remembered on the asset.
  await start.fill('10')
  await end.fill('20')
  await form.getByRole('button', { name: 'Use the file\'s frames (1–96)' }).waitFor()
  await form.getByRole('button', { name: 'Render' }).click()
  const card = page.locator('rfam-job-card').filter({ hasText: 'Shot 010 Intro' }).first()
  await card.getByText('0 of 11 frames done').waitFor()
  await card.getByText('11 frames, 24 fps, 2048×858, Eevee').waitFor()
  t.pass('the job card says what the file renders')
  await until('the chosen range is remembered on the asset', () => sidecar().frameStart === 10 && sidecar().frameEnd === 20)

  // A movie file sent as frames: warned before Render, not as one video.
  await form.getByLabel('File to render').selectOption('final/final_film.blend')
  await form.getByText('The file says: 1440 frames, 24 fps, 2048×858, Eevee').waitFor()
  t.equal(await end.inputValue(), '1440')
  t.ok(await form.getByLabel('One video file').isChecked(), 'the film is an asset rendered as one video')
  t.equal(await form.getByRole('alert').count(), 0, 'as one video, nothing to say')
  await form.getByLabel('One video file').uncheck()
  const alert = form.getByRole('alert')
  await alert.getByText('Before you press Render:').waitFor()
  t.match(await alert.textContent(), /The file is set to write a movie \(FFmpeg Video\), but this job renders separate frames: the farm writes PNG pictures instead\./)
  await form.getByLabel('One video file').check()
  await until('the warning is gone for one video', async () => await form.getByRole('alert').count() === 0)

  // Back to the shot: the file's frames again, last time's offered; the file's range is never written to the asset.
  await form.getByLabel('File to render').selectOption('shots/shot_010_intro.blend')
  await form.getByText('The file says: 96 frames').waitFor()
  t.equal(await end.inputValue(), '96', 'the file\'s frames, not last time\'s')
  await form.getByRole('button', { name: 'Use last time\'s frames (10–20)' }).click()
  t.equal(await start.inputValue(), '10')
  t.equal(await end.inputValue(), '20')
  await form.getByRole('button', { name: 'Use the file\'s frames (1–96)' }).click()
  t.equal(await end.inputValue(), '96')
  await form.getByRole('button', { name: 'Render' }).click()
  await page.locator('rfam-job-card').filter({ hasText: '0 of 96 frames done' }).waitFor()
  t.match(sidecar(), { frameStart: 10, frameEnd: 20 }, 'rendering the file\'s own range leaves the remembered one as it was')
  t.same(errors, [], 'no errors in the page')

  // A file named .blend that is none: the server's sentence, before and after Render.
  writeFileSync(join(server.projectDir(), 'shots', 'garbled.blend'), Buffer.from('0b1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex'))
  await form.getByLabel('Show every .blend file').check()
  await form.getByLabel('File to render').selectOption('shots/garbled.blend')
  await form.getByText('"shots/garbled.blend" is not a .blend file: it starts with the bytes 0b 1e 2d 3c', { exact: false }).first().waitFor()
  await form.getByRole('button', { name: 'Render' }).click()
  await until('the refusal is shown', async () => /save it as shots\/garbled\.blend \(File > Save As\), then try again\./.test(await form.getByRole('alert').first().textContent() ?? ''))
  t.pass('a file that is no .blend is refused with what to do')
  t.same(errors.filter((e) => !/status of 400/.test(e)), [], 'no errors in the page but the browser\'s note of the 400s')
})
