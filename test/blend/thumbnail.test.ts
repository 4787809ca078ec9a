// The thumbnail reader (server/blend/thumbnail.ts) and the PNG writer on files built here, block by
// block, in each layout the reader knows, compressed and not, and on files Blender would never write:
// sizes meant to make the server allocate gigabytes, blocks cut short, a TEST block where Blender does
// not look. Real files made by Blender are read in thumbnail.blender.test.ts.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import sharp from 'sharp'
import { BlendFileError } from '../../server/blend/blend-error.ts'
import { encodePng } from '../../server/blend/png.ts'
import { readBlendInfo } from '../../server/blend/read-blend-links.ts'
import { MAX_THUMBNAIL_SIDE, readBlendThumbnail } from '../../server/blend/thumbnail.ts'
import { blendOf, blendWithThumbnail, thumbnailBlock, TINY_BLEND } from '../helpers/tiny-blend.ts'
import { toSeekableRawZstd } from './raw-zstd.ts'

const dir = t.testdir({})
const file = (name: string, data: Uint8Array | string) => {
  const abs = join(dir, name)
  writeFileSync(abs, data)
  return abs
}

/** A picture whose every pixel differs: red = x, green = y, blue = both, alpha = opaque except one. */
const pattern = (x: number, y: number) => [x * 10, y * 10, (x + y) * 5, x === 0 && y === 0 ? 128 : 255]
const expected = (width: number, height: number) => {
  const out: number[] = []
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.push(...pattern(x, y))
  return out
}

t.test('reads the pixels top row first, in every layout and compression', async (t) => {
  const plain = blendWithThumbnail(5, 3, pattern)
  const layouts: Array<[string, Buffer]> = [
    ['plain.blend', plain],
    ['gzip.blend', gzipSync(plain)],
    ['zstd.blend', toSeekableRawZstd(plain, 40)], // frames end inside block headers and pixels
    ['zstd-no-seek-table.blend', toSeekableRawZstd(plain, 64, false)],
    ['big-endian-32.blend', blendOf([{ code: 'TEST', data: thumbnailBlock(5, 3, pattern, false) }], { layout: 'be32' })],
    ['blender-5.blend', blendOf([{ code: 'REND', data: new Uint8Array(72) }, { code: 'TEST', data: thumbnailBlock(5, 3, pattern) }], { layout: '5.0' })],
  ]
  for (const [name, data] of layouts) {
    const thumbnail = await readBlendThumbnail(file(name, data))
    t.same(thumbnail && { width: thumbnail.width, height: thumbnail.height }, { width: 5, height: 3 }, `${name}: its size`)
    t.same([...thumbnail!.rgba], expected(5, 3), `${name}: its pixels, top row first`)
    t.same((await readBlendInfo(join(dir, name))).thumbnail, { width: 5, height: 3 }, `${name}: the .blend reader sees it too`)
  }
})

t.test('no thumbnail: null, and the .blend reader says so too', async (t) => {
  const cases: Array<[string, Buffer | string]> = [
    ['tiny.blend', TINY_BLEND],
    ['no-test.blend', blendOf([{ code: 'REND', data: new Uint8Array(72) }, { code: 'GLOB', data: new Uint8Array(16) }])],
    // Blender looks for it only before the first block that is no scene's REND, and so does the reader.
    ['test-after-glob.blend', blendOf([{ code: 'GLOB', data: new Uint8Array(16) }, { code: 'TEST', data: thumbnailBlock(2, 2, pattern) }])],
  ]
  for (const [name, data] of cases) {
    t.equal(await readBlendThumbnail(file(name, data)), null, name)
    t.equal((await readBlendInfo(join(dir, name))).thumbnail, null, `${name}: readBlendInfo`)
  }
})

t.test('hostile sizes and short blocks give no thumbnail, and allocate nothing from what they claim', async (t) => {
  const head = (width: number, height: number) => {
    const data = Buffer.alloc(8)
    data.writeInt32LE(width, 0)
    data.writeInt32LE(height, 4)
    return data
  }
  const rss = process.memoryUsage().rss
  const cases: Array<[string, Buffer, string]> = [
    ['zero', blendOf([{ code: 'TEST', data: head(0, 128) }]), 'a side of 0'],
    ['negative', blendOf([{ code: 'TEST', data: head(-128, 128) }]), 'a negative side'],
    ['huge', blendOf([{ code: 'TEST', data: head(0x7fffffff, 0x7fffffff) }]), 'sides of 2^31 - 1 (their product overflows 32 bits)'],
    ['over-limit', blendOf([{ code: 'TEST', data: Buffer.concat([head(MAX_THUMBNAIL_SIDE + 1, 1), Buffer.alloc((MAX_THUMBNAIL_SIDE + 1) * 4)]) }]), 'a side above the limit, pixels and all'],
    ['short-block', blendOf([{ code: 'TEST', data: Buffer.concat([head(128, 128), Buffer.alloc(100)]) }]), 'a block shorter than its pixels'],
    ['no-size', blendOf([{ code: 'TEST', data: Buffer.alloc(4) }]), 'a block too short to hold a size'],
    // The block header claims the pixels, but the file ends first.
    ['cut-short', blendOf([{ code: 'TEST', data: thumbnailBlock(64, 64, pattern) }]).subarray(0, 12 + 24 + 8 + 1000), 'a file that ends inside the pixels'],
    ['lying-length', blendOf([{ code: 'TEST', data: thumbnailBlock(4, 4, pattern) }], { testLength: 0x7fffffff }), 'a block length of 2 GB in a small file'],
  ]
  for (const [name, data, what] of cases) {
    t.equal(await readBlendThumbnail(file(`${name}.blend`, data)), null, what)
    t.equal(await readBlendThumbnail(file(`${name}.gz.blend`, gzipSync(data))), null, `${what}, gzip-compressed`)
  }
  t.ok(process.memoryUsage().rss - rss < 64 * 1024 * 1024, 'no large allocation')
  t.equal((await readBlendInfo(join(dir, 'huge.blend'))).thumbnail, null, 'readBlendInfo takes a file with a hostile thumbnail as one without')
  t.same((await readBlendThumbnail(file('largest.blend', blendWithThumbnail(MAX_THUMBNAIL_SIDE, 2, () => [1, 2, 3, 4]))))?.width, MAX_THUMBNAIL_SIDE, 'the limit itself is fine')
})

t.test('a file that is no .blend throws the reader\'s error', async (t) => {
  for (const [name, data] of [['text.blend', 'just some text'], ['empty.blend', ''], ['header-only.blend', 'BLENDER-v3']] as const) {
    const err = await readBlendThumbnail(file(name, data)).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof BlendFileError, `${name}: ${(err as Error | undefined)?.message}`)
  }
  const err = await readBlendThumbnail(join(dir, 'missing.blend')).then(() => undefined, (e: unknown) => e)
  t.equal((err as BlendFileError).kind, 'unreadable', 'a missing file')
})

t.test('the PNG decodes (by libvips, through sharp) to the same pixels', async (t) => {
  for (const [width, height] of [[5, 3], [1, 1], [128, 128], [33, 7]] as const) {
    const rgba = Uint8Array.from(expected(width, height).map((v, i) => (v + i * 7) & 0xff)) // every filter gets used
    const png = encodePng(width, height, rgba)
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    t.same({ width: info.width, height: info.height, channels: info.channels }, { width, height, channels: 4 }, `${width} × ${height}`)
    t.ok(Buffer.from(rgba).equals(data), `${width} × ${height}: every pixel`)
  }
  t.throws(() => encodePng(4, 4, new Uint8Array(10)), RangeError, 'too few pixels')
})
