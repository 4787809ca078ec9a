import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { BlendFileError, type BlendErrorKind } from '../../server/blend/blend-error.ts'
import { bheadSize, parseBHead } from '../../server/blend/bhead.ts'
import { parseBlendHeader } from '../../server/blend/blend-header.ts'
import { readBlendInfo, resolveLibraryPath } from '../../server/blend/read-blend-links.ts'
import { makeBlendFixtures, noBlender, type BlendFixtures } from './blender-fixtures.ts'
import { toSeekableRawZstd } from './raw-zstd.ts'

const dir = t.testdir({ bad: {} })
const bad = (name: string) => path.join(dir, 'bad', name)
const at = (rel: string) => path.join(dir, rel)

/** Asserts that reading `file` fails with a BlendFileError of `kind` whose message names the file. */
async function rejectsAs (tt: Test, file: string, kind: BlendErrorKind, says: RegExp) {
  const err = await readBlendInfo(file).then(
    () => undefined,
    (e: unknown) => e
  )
  tt.ok(err instanceof BlendFileError, `${path.basename(file)}: a BlendFileError`)
  if (!(err instanceof BlendFileError)) return
  tt.equal(err.kind, kind, `${path.basename(file)}: kind ${kind} (${err.message})`)
  tt.ok(err.message.includes(file), 'the message names the file')
  tt.match(err.message, says)
  tt.equal(err.file, file)
}

// --- Bad inputs that need no Blender ---------------------------------------------------------

t.test('bad inputs give clear errors', async (tt) => {
  writeFileSync(bad('empty.blend'), '')
  await rejectsAs(tt, bad('empty.blend'), 'empty', /is empty/)

  writeFileSync(bad('notes.blend'), 'hello world, I am not a blend file\n')
  await rejectsAs(tt, bad('notes.blend'), 'not-blend', /not a \.blend file: it starts with "hello wo"/)

  writeFileSync(bad('binary.blend'), Buffer.from([0, 1, 2, 3, 250, 251, 252, 253]))
  await rejectsAs(tt, bad('binary.blend'), 'not-blend', /starts with the bytes 00 01 02 03/)

  writeFileSync(bad('archive.blend'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]))
  await rejectsAs(tt, bad('archive.blend'), 'unknown-compression', /compressed with xz/)

  writeFileSync(bad('gzipped-text.blend'), gzipSync('just some text, no blender here'))
  await rejectsAs(tt, bad('gzipped-text.blend'), 'not-blend', /gzip-compressed\) holds no \.blend/)

  writeFileSync(bad('broken-gzip.blend'), Buffer.concat([gzipSync('BLENDER-v304').subarray(0, 10), Buffer.alloc(20, 0xff)]))
  await rejectsAs(tt, bad('broken-gzip.blend'), 'corrupt', /broken gzip data/)

  writeFileSync(bad('header-only.blend'), 'BLENDER-v3')
  await rejectsAs(tt, bad('header-only.blend'), 'truncated', /ends inside its 12-byte header/)

  writeFileSync(bad('odd-header.blend'), 'BLENDER*v304' + '\0'.repeat(24))
  await rejectsAs(tt, bad('odd-header.blend'), 'corrupt', /header "BLENDER\*v304" is malformed/)

  writeFileSync(bad('future.blend'), 'BLENDER17-02v0700' + '\0'.repeat(32))
  await rejectsAs(tt, bad('future.blend'), 'unsupported', /newer Blender file format/)

  execFileSync('mkfifo', [bad('pipe.blend')]) // opening it to read would wait for a writer
  await rejectsAs(tt, bad('pipe.blend'), 'unreadable', /not a regular file/)

  await rejectsAs(tt, bad('missing.blend'), 'unreadable', /Cannot open .*: no such file/)
  await rejectsAs(tt, path.join(dir, 'bad'), 'unreadable', /not a regular file/)
})

t.test('headers of every layout', async (tt) => {
  const h32be = parseBlendHeader(Buffer.from('BLENDER_V279'))
  tt.match(h32be, { headerSize: 12, formatVersion: 0, pointerSize: 4, littleEndian: false, versionNumber: 279, version: '2.79' })
  const h64le = parseBlendHeader(Buffer.from('BLENDER-v304'))
  tt.match(h64le, { pointerSize: 8, littleEndian: true, version: '3.4' })
  const v5 = parseBlendHeader(Buffer.from('BLENDER17-01v0500'))
  tt.match(v5, { headerSize: 17, formatVersion: 1, pointerSize: 8, littleEndian: true, version: '5.0' })
  if ('problem' in h32be || 'problem' in h64le || 'problem' in v5) return

  // The two classic layouts as the bytes a file holds, field by field (code, length, old pointer, SDNA
  // index, count): 4-byte pointers big-endian, 8-byte pointers little-endian.
  const bytes = (fields: string) => Buffer.from(fields.replaceAll(' ', ''), 'hex')
  const b4 = bytes('4c490000 000008f0 deadbeef 00000033 00000001')
  tt.equal(bheadSize(h32be), 20)
  tt.same(parseBHead(b4, h32be), { code: 'LI', length: 2288, oldPointer: 0xdeadbeefn, sdnaIndex: 51, count: 1 })

  const b8 = bytes('444e4131 98c80100 78563412007f0000 00000000 01000000')
  tt.equal(bheadSize(h64le), 24)
  tt.same(parseBHead(b8, h64le), { code: 'DNA1', length: 116888, oldPointer: 0x7f0012345678n, sdnaIndex: 0, count: 1 })

  const large = Buffer.alloc(32)
  large.write('DATA', 0, 'latin1')
  large.writeInt32LE(7, 4)
  large.writeBigUInt64LE(42n, 8)
  large.writeBigInt64LE(2n ** 40n, 16)
  large.writeBigInt64LE(3n, 24)
  tt.equal(bheadSize(v5), 32)
  tt.same(parseBHead(large, v5), { code: 'DATA', length: 2 ** 40, oldPointer: 42n, sdnaIndex: 7, count: 3 })
  large.writeBigInt64LE(-1n, 16)
  tt.equal(parseBHead(large, v5).length, -1, 'a negative 64-bit length stays invalid')
})

t.test('resolveLibraryPath', async (tt) => {
  const shot = '/films/red/shots/cake.blend'
  tt.equal(resolveLibraryPath(shot, '//lib/chair.blend'), '/films/red/shots/lib/chair.blend')
  tt.equal(resolveLibraryPath(shot, '//../lib/chair.blend'), '/films/red/lib/chair.blend')
  tt.equal(resolveLibraryPath(shot, '//..\\lib\\chair.blend'), '/films/red/lib/chair.blend', 'saved on Windows')
  tt.equal(resolveLibraryPath(shot, '/films/red/./lib//chair.blend'), '/films/red/lib/chair.blend', 'absolute, normalised')
  tt.equal(resolveLibraryPath(shot, 'C:\\films\\red\\lib\\chair.blend'), 'C:/films/red/lib/chair.blend')
  tt.equal(resolveLibraryPath(shot, '\\\\server\\films\\chair.blend'), '//server/films/chair.blend', 'a UNC path is not //-relative')
  tt.equal(resolveLibraryPath(shot, 'lib/chair.blend'), '/films/red/shots/lib/chair.blend', 'bare relative: next to the file')
  tt.equal(resolveLibraryPath('cake.blend', '//chair.blend'), path.resolve('chair.blend'), 'a relative .blend path')
})

// --- Files saved by Blender ------------------------------------------------------------------

t.test('files saved by Blender', { skip: noBlender }, async (tt) => {
  let blender!: BlendFixtures
  tt.before(async () => {
    blender = await makeBlendFixtures(dir)
    const shot = readFileSync(at('shot.blend'))
    writeFileSync(at('shot_gzip.blend'), gzipSync(shot)) // what Blender < 3.0 wrote with "Compress" on
  })

  /** What Blender itself lists as directly linked after reopening the file. */
  const direct = (rel: string) => blender.files[rel]!.filter((l) => l.parent === null).map((l) => l.filepath)

  tt.test('a shot that links a library relatively', async (t2) => {
    const info = await readBlendInfo(at('shot.blend'))
    t2.match(info, { version: '3.4', compression: 'none', libraries: ['//lib/chair.blend'] })
    t2.same(info.libraries, direct('shot.blend'), 'as Blender sees it')
    t2.equal(resolveLibraryPath(at('shot.blend'), info.libraries[0]!), at('lib/chair.blend'))
    t2.ok(existsSync(resolveLibraryPath(at('shot.blend'), info.libraries[0]!)))
  })

  tt.test('the same shot saved with Compress on (zstd)', async (t2) => {
    const bytes = readFileSync(at('shot_zstd.blend'))
    t2.same([...bytes.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], 'Blender wrote zstd')
    const info = await readBlendInfo(at('shot_zstd.blend'))
    t2.match(info, { version: '3.4', compression: 'zstd', libraries: ['//lib/chair.blend'] })
    t2.same(info.libraries, direct('shot_zstd.blend'))
  })

  tt.test('zstd without a seek table is read front to back', async (t2) => {
    // Blender ends its zstd files with a seek table (a skippable frame); other zstd writers don't.
    const bytes = readFileSync(at('shot_zstd.blend'))
    const frames = bytes.readUInt32LE(bytes.length - 9)
    const entrySize = bytes[bytes.length - 5]! & 0x80 ? 12 : 8
    t2.equal(bytes.readUInt32LE(bytes.length - 4), 0x8f92eab1, 'Blender wrote a seek table')
    writeFileSync(at('shot_zstd_plain.blend'), bytes.subarray(0, bytes.length - (8 + frames * entrySize + 9)))
    const info = await readBlendInfo(at('shot_zstd_plain.blend'))
    t2.match(info, { version: '3.4', compression: 'zstd', libraries: ['//lib/chair.blend'] })

    const lying = Buffer.from(bytes)
    lying.writeUInt32LE(lying.readUInt32LE(lying.length - 9 - frames * entrySize) + 1, lying.length - 9 - frames * entrySize)
    writeFileSync(at('shot_zstd_bad_table.blend'), lying)
    t2.same((await readBlendInfo(at('shot_zstd_bad_table.blend'))).libraries, ['//lib/chair.blend'], 'a seek table that does not add up is ignored')
  })

  tt.test('zstd frames that split blocks and block headers', async (t2) => {
    const shot = readFileSync(at('shot.blend'))
    for (const frameSize of [1000, 13]) {
      const file = at(`shot_frames_${frameSize}.blend`)
      writeFileSync(file, toSeekableRawZstd(shot, frameSize))
      t2.match(await readBlendInfo(file), { version: '3.4', compression: 'zstd', libraries: ['//lib/chair.blend'] }, `${frameSize}-byte frames`)
      writeFileSync(file, toSeekableRawZstd(shot, frameSize, false))
      t2.same((await readBlendInfo(file)).libraries, ['//lib/chair.blend'], `${frameSize}-byte frames, no seek table`)
    }

    const badBlock = toSeekableRawZstd(shot, 1000)
    badBlock[9] = badBlock[9]! | 0b110 // first frame's first block: reserved block type 3
    writeFileSync(bad('bad-zstd-block.blend'), badBlock)
    await rejectsAs(t2, bad('bad-zstd-block.blend'), 'corrupt', /broken zstd data in frame 1 of \d+/)

    const badTable = toSeekableRawZstd(shot, 1000)
    const frames = badTable.readUInt32LE(badTable.length - 9)
    badTable.writeUInt32LE(999, badTable.length - 9 - frames * 8 + 4) // first frame's content size
    writeFileSync(bad('bad-zstd-table.blend'), badTable)
    await rejectsAs(t2, bad('bad-zstd-table.blend'), 'corrupt', /frame 1 holds 1000 bytes, its seek table says 999/)
  })

  tt.test('the same shot gzipped', async (t2) => {
    const info = await readBlendInfo(at('shot_gzip.blend'))
    t2.match(info, { version: '3.4', compression: 'gzip', libraries: ['//lib/chair.blend'] })
  })

  tt.test('two libraries, one of which links a third', async (t2) => {
    const kitchen = await readBlendInfo(at('sets/kitchen.blend'))
    // Blender stores only direct links; the material library comes in through the table.
    t2.same(kitchen.libraries, ['//../lib/chair.blend', '//../lib/table.blend'])
    t2.same(kitchen.libraries, direct('sets/kitchen.blend'))
    const table = await readBlendInfo(at('lib/table.blend'))
    t2.same(table.libraries, ['//materials/wood.blend'])

    // Following the links file by file gives the same set of libraries Blender loads.
    const followed = [
      ...kitchen.libraries.map((l) => resolveLibraryPath(at('sets/kitchen.blend'), l)),
      ...table.libraries.map((l) => resolveLibraryPath(at('lib/table.blend'), l)),
    ]
    const loaded = blender.files['sets/kitchen.blend']!.map((l) => resolveLibraryPath(at('sets/kitchen.blend'), l.filepath))
    t2.same(followed.sort(), loaded.sort())
    t2.same(loaded.sort(), [at('lib/chair.blend'), at('lib/materials/wood.blend'), at('lib/table.blend')])
  })

  tt.test('an absolute library path', async (t2) => {
    const info = await readBlendInfo(at('abs.blend'))
    t2.same(info.libraries, [at('lib/chair.blend')])
    t2.same(info.libraries, direct('abs.blend'))
    t2.equal(resolveLibraryPath(at('abs.blend'), info.libraries[0]!), at('lib/chair.blend'))
  })

  tt.test('files with no links', async (t2) => {
    t2.match(await readBlendInfo(at('nolinks.blend')), { version: '3.4', compression: 'none', libraries: [] })
    t2.same((await readBlendInfo(at('lib/chair.blend'))).libraries, [])
  })

  tt.test('every file agrees with Blender', async (t2) => {
    t2.equal(blender.version.slice(0, 3), '3.4')
    for (const rel of Object.keys(blender.files)) {
      t2.same((await readBlendInfo(at(rel))).libraries, direct(rel), rel)
    }
  })

  tt.test('the Blender 5 block layout (a real file re-laid by the test)', async (t2) => {
    // Blender 5 is not installed here: convert a 3.4 file to its 17-byte header and 32-byte
    // block headers, which changes nothing else in the file.
    writeFileSync(at('shot_v5.blend'), toLargeBHeadLayout(readFileSync(at('shot.blend'))))
    const v5 = await readBlendInfo(at('shot_v5.blend'))
    t2.match(v5, { version: '5.0', compression: 'none', libraries: ['//lib/chair.blend'] })
    t2.same(v5.render, (await readBlendInfo(at('shot.blend'))).render, 'its render settings read the same')
  })

  tt.test('damaged files saved by Blender give clear errors', async (t2) => {
    const shot = readFileSync(at('shot.blend'))
    mkdirSync(bad('cut'), { recursive: true })

    writeFileSync(bad('cut/half.blend'), shot.subarray(0, shot.length >> 1))
    await rejectsAs(t2, bad('cut/half.blend'), 'truncated', /is cut short: it ends after \d+ bytes, before .*ENDB/)

    writeFileSync(bad('cut/no-endb.blend'), shot.subarray(0, shot.length - 24))
    await rejectsAs(t2, bad('cut/no-endb.blend'), 'truncated', /ENDB/)

    writeFileSync(bad('cut/mid-bhead.blend'), shot.subarray(0, 12 + 10))
    await rejectsAs(t2, bad('cut/mid-bhead.blend'), 'truncated', /ends after 22 bytes/)

    const zstd = readFileSync(at('shot_zstd.blend'))
    writeFileSync(bad('cut/half_zstd.blend'), zstd.subarray(0, zstd.length >> 1))
    await rejectsAs(t2, bad('cut/half_zstd.blend'), 'truncated', /cut short/)

    const gzip = readFileSync(at('shot_gzip.blend'))
    writeFileSync(bad('cut/half_gzip.blend'), gzip.subarray(0, gzip.length >> 1))
    await rejectsAs(t2, bad('cut/half_gzip.blend'), 'truncated', /cut short: its gzip data ends in the middle/)

    const negative = Buffer.from(shot)
    negative.writeInt32LE(-5, 12 + 4) // the first block's length
    writeFileSync(bad('negative.blend'), negative)
    await rejectsAs(t2, bad('negative.blend'), 'corrupt', /block at byte 12 has an impossible length/)

    const huge = Buffer.from(shot)
    huge.writeInt32LE(0x7fffffff, 12 + 4)
    writeFileSync(bad('huge.blend'), huge)
    await rejectsAs(t2, bad('huge.blend'), 'truncated', /cut short/)

    const dna = Buffer.from(shot)
    const strc = dna.lastIndexOf('STRC')
    dna.write('XXXX', strc, 'latin1')
    writeFileSync(bad('broken-dna.blend'), dna)
    await rejectsAs(t2, bad('broken-dna.blend'), 'corrupt', /damaged: the DNA block has "XXXX" where "STRC" belongs/)
  })
})

/** Rewrites a little-endian, 8-byte-pointer file with Blender 5's header and LargeBHead8 blocks. */
function toLargeBHeadLayout (file: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from('BLENDER17-01v0500', 'latin1')]
  let pos = 12
  for (;;) {
    const code = file.subarray(pos, pos + 4)
    const length = file.readInt32LE(pos + 4)
    const head = Buffer.alloc(32)
    code.copy(head, 0)
    head.writeInt32LE(file.readInt32LE(pos + 16), 4) // SDNA index
    head.writeBigUInt64LE(file.readBigUInt64LE(pos + 8), 8) // old pointer
    head.writeBigInt64LE(BigInt(length), 16)
    head.writeBigInt64LE(BigInt(file.readInt32LE(pos + 20)), 24) // count
    parts.push(head, file.subarray(pos + 24, pos + 24 + length))
    pos += 24 + length
    if (code.toString('latin1') === 'ENDB') return Buffer.concat(parts)
  }
}
