// The thumbnail reader against Blender itself: files Blender 3.4 saved (plain, zstd, gzip, without a
// preview, and one it rendered through a camera under a virtual screen), each picture compared pixel
// by pixel with what Blender reports when it loads the file's preview (bpy.utils.previews), and the
// camera's picture checked for what is where (a red cube low on the left, a blue ball high on the right).
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import sharp from 'sharp'
import { readBlendInfo } from '../../server/blend/read-blend-links.ts'
import { readBlendThumbnail, type BlendThumbnail } from '../../server/blend/thumbnail.ts'
import { ThumbnailCache } from '../../server/store/thumbnails.ts'
import { fileIdentity } from '../../server/store/asset-index.ts'
import { BLENDER, noBlender } from './blender-fixtures.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { thumbnailBlock, withThumbnail } from '../helpers/tiny-blend.ts'

const SCRIPT = fileURLToPath(new URL('./make-thumbnails.py', import.meta.url))
const XVFB = '/usr/bin/xvfb-run'

interface Reported { version: string, files: Record<string, { width: number, height: number, pixels: string }> }

/**
 * Runs make-thumbnails.py headless, or with a virtual screen (`xvfb`), and returns what Blender
 * reported; with `files`, saves nothing and reports those files' previews.
 */
function makeThumbnails (dir: string, xvfb = false, files: string[] = []): Promise<Reported> {
  const blenderArgs = ['--factory-startup', '--python-exit-code', '1', '--python', SCRIPT, '--', dir, ...files]
  const [command, args] = xvfb ? [XVFB, ['-a', BLENDER, ...blenderArgs]] : [BLENDER, ['-b', ...blenderArgs]]
  // Blender keeps a thumbnail cache under HOME (a save with a window puts a larger copy of the preview
  // there, which Blender's preview loading would then show instead of the file's) and writes crash
  // reports under TMPDIR: each run gets a folder of its own in the test's.
  const home = mkdtempSync(join(dir, 'home-'))
  const env = { ...process.env, HOME: home, TMPDIR: home }
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('THUMBNAILS_JSON='))
      if (!line) return reject(new Error(`Blender printed no THUMBNAILS_JSON line (${err?.message}):\n${stdout}\n${stderr}`))
      resolve(JSON.parse(line.slice('THUMBNAILS_JSON='.length)) as Reported)
    })
  })
}

/**
 * Ours against Blender's: the same size, and every pixel the same once ours is turned Blender's way
 * (bottom row first, colour premultiplied by alpha, as Blender's previews keep it), to within 1 of 255
 * (Blender's previews hold floats).
 */
function sameAsBlender (tt: Test, ours: BlendThumbnail | null, theirs: Reported['files'][string], what: string): void {
  if (!ours) { tt.fail(`${what}: no thumbnail read`); return }
  tt.same({ width: ours.width, height: ours.height }, { width: theirs.width, height: theirs.height }, `${what}: the size Blender reports`)
  const blender = Buffer.from(theirs.pixels, 'base64')
  tt.equal(blender.length, ours.width * ours.height * 4)
  let differ = 0
  let opaque = 0
  for (let y = 0; y < ours.height; y++) {
    for (let x = 0; x < ours.width; x++) {
      const at = (y * ours.width + x) * 4
      const bat = ((ours.height - 1 - y) * ours.width + x) * 4
      const alpha = ours.rgba[at + 3]!
      if (alpha === 255) opaque++
      for (let c = 0; c < 4; c++) {
        const mine = c === 3 ? alpha : Math.round(ours.rgba[at + c]! * alpha / 255)
        if (Math.abs(mine - blender[bat + c]!) > 1) differ++
      }
    }
  }
  tt.equal(differ, 0, `${what}: every pixel as Blender has it (${opaque} opaque ones)`)
  tt.ok(opaque > Math.min(100, ours.width * ours.height / 2), `${what}: the picture shows something`)
}

t.test('files saved by Blender headless', { skip: noBlender }, async (t) => {
  const dir = t.testdir({})
  const reported = await makeThumbnails(dir)
  t.match(reported.version, /^\d+\.\d+/)
  writeFileSync(join(dir, 'gzip.blend'), gzipSync(readFileSync(join(dir, 'plain.blend'))))
  for (const [name, as] of [['plain.blend', 'plain.blend'], ['zstd.blend', 'zstd.blend'], ['gzip.blend', 'plain.blend']] as const) {
    const ours = await readBlendThumbnail(join(dir, name))
    sameAsBlender(t, ours, reported.files[as]!, `${name} (Blender ${reported.version})`)
    t.same((await readBlendInfo(join(dir, name))).thumbnail, { width: ours?.width, height: ours?.height }, `${name}: the .blend reader finds it too`)
  }
  t.equal(await readBlendThumbnail(join(dir, 'none.blend')), null, 'saved with file_preview_type NONE: no thumbnail')
  t.equal((await readBlendInfo(join(dir, 'none.blend'))).thumbnail, null)

  // The tests' helper that puts a thumbnail into a template (saved without one): Blender takes it as its own.
  const template = join(repoRoot, 'config', 'defaults', 'Full HD Cycles', 'types', 'shot.blend')
  writeFileSync(join(dir, 'inserted.blend'), withThumbnail(readFileSync(template), thumbnailBlock(40, 30, (x, y) => [x * 6, y * 8, 200, 255])))
  const inserted = await makeThumbnails(dir, false, [join(dir, 'inserted.blend')])
  sameAsBlender(t, await readBlendThumbnail(join(dir, 'inserted.blend')), inserted.files['inserted.blend']!, 'a template with a thumbnail put in by the tests\' helper')
  t.same((await readBlendInfo(join(dir, 'inserted.blend'))).render, (await readBlendInfo(template)).render, 'the rest of the file as it was')

  // What the server sends: a PNG of exactly those pixels.
  const plain = join(dir, 'zstd.blend')
  const made = await new ThumbnailCache().png(plain, fileIdentity(statSync(plain)))
  const decoded = await sharp(made!.png).raw().toBuffer({ resolveWithObject: true })
  t.same({ width: decoded.info.width, height: decoded.info.height }, { width: 128, height: 128 })
  t.ok(Buffer.from((await readBlendThumbnail(plain))!.rgba).equals(decoded.data), 'the PNG holds the thumbnail\'s pixels')
})

t.test('a preview Blender rendered through the camera, as when a student saves', { skip: noBlender || (!existsSync(XVFB) && `no ${XVFB}`) }, async (t) => {
  const dir = t.testdir({})
  await makeThumbnails(dir, true)
  const ours = await readBlendThumbnail(join(dir, 'camera.blend'))
  // Reported by a headless Blender (with a window, previews are scaled to the screen's size).
  const reported = await makeThumbnails(dir, false, [join(dir, 'camera.blend')])
  sameAsBlender(t, ours, reported.files['camera.blend']!, 'camera.blend')
  // Where the red and the blue pixels are, top row first: the cube low on the left, the ball high on the right.
  const centre = (wanted: (r: number, g: number, b: number) => boolean) => {
    let sx = 0
    let sy = 0
    let n = 0
    for (let y = 0; y < ours!.height; y++) {
      for (let x = 0; x < ours!.width; x++) {
        const at = (y * ours!.width + x) * 4
        if (ours!.rgba[at + 3]! > 200 && wanted(ours!.rgba[at]!, ours!.rgba[at + 1]!, ours!.rgba[at + 2]!)) { sx += x; sy += y; n++ }
      }
    }
    return { x: sx / n / ours!.width, y: sy / n / ours!.height, n }
  }
  const red = centre((r, g, b) => r > 2 * b && r > 2 * g)
  const blue = centre((r, g, b) => b > 2 * r && b > g)
  t.ok(red.n > 200 && blue.n > 200, `both objects show (${red.n} red, ${blue.n} blue pixels)`)
  t.ok(red.x < 0.5 && red.y > 0.5, `the red cube is low on the left (${red.x.toFixed(2)}, ${red.y.toFixed(2)})`)
  t.ok(blue.x > 0.5 && blue.y < 0.5, `the blue ball is high on the right (${blue.x.toFixed(2)}, ${blue.y.toFixed(2)})`)
})
