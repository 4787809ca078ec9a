// Asset pictures in a real browser against the real server: a .blend saved with a preview shows it (the
// PNG the server makes of the file's thumbnail, decoded by Chromium) in the asset list, on Home, on its
// page and in the team view; a file saved without one shows its type's icon; no picture moves the layout
// when it arrives, and the page asks for no picture that is not there.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { AssetList } from '../../schemas/generated/types.ts'
import { until } from '../helpers/until.ts'
import { startTestServer } from '../helpers/server.ts'
import { blendWithThumbnail } from '../helpers/tiny-blend.ts'
import { callAs, hasChromium, launchBrowser, loggedInPage } from './web-helper.ts'

if (!await hasChromium()) t.plan(0, 'no Chromium at /usr/bin/chromium')

interface Shown { alt: string, picture: string, src: string, naturalWidth: number, width: number, height: number, complete: boolean }

/** Every img.thumbnail on the page (shadow roots walked), as the browser has it now. */
function pictures (page: Page): Promise<Shown[]> {
  return page.evaluate(() => {
    const found: Shown[] = []
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLImageElement && el.classList.contains('thumbnail')) {
          found.push({ alt: el.alt, picture: el.dataset.picture ?? '', src: el.src, naturalWidth: el.naturalWidth, width: el.width, height: el.height, complete: el.complete })
        }
        if (el.shadowRoot) walk(el.shadowRoot)
      }
    }
    walk(document)
    return found
  })
}

/** The picture of the asset named `name`, once the browser has loaded it. */
function loaded (page: Page, name: string): Promise<Shown> {
  return until(`the picture of ${name} loaded`, async () => (await pictures(page)).find((p) => p.alt === name && p.complete && p.naturalWidth > 0))
}

t.test('a .blend\'s own thumbnail in the list, on Home, on its page and in the team view; the type icon otherwise', async (t) => {
  const server = await startTestServer(t, { web: true })
  // Alex's Pie, saved with a 24 × 16 preview, and at the top of Alex's list (it is Alex's current task).
  writeFileSync(join(server.projectDir(), 'props', 'pie.blend'), blendWithThumbnail(24, 16, (x, y) => [x * 10, 120, y * 15, 255]))
  const made = await callAs(server, 'alex', 'POST', '/api/projects/demo/assets', { name: 'Pie', type: 'prop', path: 'props/pie.blend', register: true, owner: 'alex' })
  t.equal(made.status, 201, JSON.stringify(made.json))
  t.equal((await callAs(server, 'alex', 'PATCH', '/api/projects/demo/assets/props/pie.blend', { priority: 100 })).status, 200)
  await until('the list knows Pie has a picture', async () =>
    ((await callAs(server, 'alex', 'GET', '/api/projects/demo/assets')).json as AssetList).assets.find((a) => a.path === 'props/pie.blend')?.thumbnail)

  const browser = await launchBrowser(t)
  const { page, errors } = await loggedInPage(browser, server, 'alex')
  const failed: string[] = []
  page.on('response', (res) => { if (res.url().includes('/thumbnails/') && res.status() >= 400) failed.push(`${res.status()} ${res.url()}`) })

  await page.goto('/assets')
  const pie = await loaded(page, 'Pie')
  t.equal(pie.picture, 'thumbnail')
  t.match(pie.src, /\/api\/projects\/demo\/thumbnails\/props\/pie\.blend\?v=b[0-9a-z]{9,}$/, 'the server\'s picture, by its tag')
  t.equal(pie.naturalWidth, 24, 'Chromium decoded the PNG: the thumbnail\'s own width')
  t.same([pie.width, pie.height], [44, 44], 'shown at the size the row keeps for it')
  const cake = await loaded(page, 'Cake')
  t.equal(cake.picture, 'icon', 'a template saved without a preview: its type\'s icon')
  t.match(cake.src, /^data:image\/svg\+xml,/)
  t.ok(cake.naturalWidth > 0, 'the icon is drawn')
  const all = await until('every row\'s picture', async () => { const p = await pictures(page); return p.length >= 11 && p })
  t.same(all.filter((p) => p.picture === 'thumbnail').map((p) => p.alt), ['Pie'], 'only Pie has a picture of its own')
  t.ok(all.every((p) => p.width === 44 && p.height === 44), 'every picture has its size before it loads (nothing jumps)')

  await page.goto('/')
  const current = await loaded(page, 'Pie')
  t.same([current.picture, current.width], ['thumbnail', 128], 'Home: the current task\'s card')
  t.ok((await pictures(page)).some((p) => p.alt === 'Chef Bun' && p.picture === 'icon'), 'Home: the rest of the list, with icons')

  await page.goto('/asset?path=props/pie.blend')
  t.equal((await loaded(page, 'Pie')).naturalWidth, 24, 'the asset page')
  t.ok(await page.getByText('The preview Blender saved in the file.').isVisible(), 'saying what the picture is')
  await page.goto('/asset?path=props/cake.blend')
  t.ok(await until('the caption', () => page.getByText('No picture yet: Blender saves one in the file each time you save it (File > Save).').isVisible()), 'and how to get one')
  t.equal((await loaded(page, 'Cake')).picture, 'icon', 'beside the type\'s icon')

  await page.goto('/team')
  t.equal((await loaded(page, 'Pie')).picture, 'thumbnail', 'the team view: Alex\'s task')
  t.same(failed, [], 'no picture was asked for that is not there')
  t.same(errors, [], 'no page errors')
})
