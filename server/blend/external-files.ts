// Every file outside a .blend that Blender would read to render it, read without Blender: linked
// libraries, images (single, sequences, UDIM tiles), movie clips, sounds, fonts, Alembic/USD caches
// (CacheFile), OpenVDB volumes, and point-cache and fluid-cache folders. Packed files and data
// linked from a library (its library's own reading lists those) are left out. Two passes over the
// blocks: the DNA block comes last in a file, and it says which struct each block holds, so the
// first pass reads only it and the second keeps only the blocks of the structs below.
import { basename } from 'node:path'
import { BlendFileError } from './blend-error.ts'
import { bheadSize, parseBHead, type BHead } from './bhead.ts'
import { openBlendStream, reason } from './blend-stream.ts'
import { copy, describeFile, readHeader } from './read-header.ts'
import { Fields } from './render-settings.ts'
import { parseSdna, SdnaError, type Sdna } from './sdna.ts'

export type ExternalKind = 'library' | 'image' | 'movie' | 'sound' | 'font' | 'cache' | 'volume' | 'point-cache' | 'fluid-cache'

export interface ExternalFile {
  kind: ExternalKind
  /** The path as the file stores it ('//textures/wood.png', '/abs/x.abc'). */
  path: string
  /** Which files it stands for: one file, the numbered files of a sequence, the tiles of a UDIM image, or a whole folder. */
  form: 'file' | 'sequence' | 'udim' | 'folder'
  /** The data-block using it ('IMwood.png'), or for caches the struct. */
  user: string
}

const STRUCTS: Record<string, ExternalKind> = {
  Library: 'library', Image: 'image', MovieClip: 'movie', bSound: 'sound', VFont: 'font', CacheFile: 'cache', Volume: 'volume', PointCache: 'point-cache', FluidDomainSettings: 'fluid-cache',
}
const MAX_DNA_BYTES = 64 * 1024 * 1024
const MAX_KEEP = 64 * 1024
// Blender's enums (DNA_image_types.h, DNA_movieclip_types.h, DNA_object_force_types.h).
const IMA_SRC_SEQUENCE = 2
const IMA_SRC_MOVIE = 3
const IMA_SRC_TILED = 6
const MCLIP_SRC_SEQUENCE = 1
const PTCACHE_DISK_CACHE = 64
const PTCACHE_EXTERNAL = 512

type Visit = (block: BHead) => number
type Take = (block: BHead, data: Uint8Array) => void

/** Walks every block header; `visit` says how many bytes of a block to keep (0: none), `take` gets them. */
async function walk (file: string, visit: Visit, take: Take): Promise<{ littleEndian: boolean, pointerSize: 4 | 8 }> {
  const stream = await openBlendStream(file)
  try {
    const what = describeFile(file, stream)
    const header = await readHeader(file, what, stream)
    const size = bheadSize(header)
    for (;;) {
      const raw = await stream.reader.read(size)
      if (raw.length < size) {
        if (raw.length >= 4 && String.fromCharCode(...raw.subarray(0, 4)) === 'ENDB') break
        throw new BlendFileError('truncated', file, `${what} is cut short: it was probably not saved or copied completely.`)
      }
      const block = parseBHead(raw, header)
      if (block.length < 0) throw new BlendFileError('corrupt', file, `${what} is damaged: a block has an impossible length.`)
      if (block.code === 'ENDB') break
      const keep = Math.min(visit(block), block.length)
      const data = keep > 0 ? copy(await stream.reader.read(keep)) : new Uint8Array(0)
      const skipped = await stream.reader.skip(block.length - keep)
      if (data.length + skipped < block.length) throw new BlendFileError('truncated', file, `${what} is cut short: it was probably not saved or copied completely.`)
      if (keep > 0) take(block, data)
    }
    return { littleEndian: header.littleEndian, pointerSize: header.pointerSize }
  } catch (err) {
    if (err instanceof BlendFileError) throw err
    throw new BlendFileError('unreadable', file, `Cannot read "${file}": ${reason(err)}.`, { cause: err })
  } finally {
    await stream.close()
  }
}

/** The external files one .blend uses (not those of its libraries: read each library for those). */
export async function readExternalFiles (file: string): Promise<ExternalFile[]> {
  let dna: Uint8Array | undefined
  const format = await walk(file, (b) => (b.code === 'DNA1' && b.length <= MAX_DNA_BYTES ? b.length : 0), (_, data) => { dna = data })
  if (!dna) return []
  let sdna: Sdna
  try {
    sdna = parseSdna(dna, format.littleEndian, format.pointerSize)
  } catch (err) {
    if (err instanceof SdnaError) throw new BlendFileError('corrupt', file, `"${file}" is damaged: ${err.message}.`)
    throw err
  }
  const wanted = new Map<number, { type: string, size: number }>()
  for (let i = 0; i < sdna.structCount; i++) {
    const s = sdna.structAt(i)
    if (s && STRUCTS[s.type]) wanted.set(i, { type: s.type, size: s.size })
  }
  const found: ExternalFile[] = []
  const stem = basename(file).replace(/\.blend\d*$/, '')
  const r = new Fields(sdna, format.littleEndian, format.pointerSize)
  await walk(file, (b) => { const w = wanted.get(b.sdnaIndex); return w ? Math.min(w.size * Math.max(1, b.count), MAX_KEEP) : 0 }, (block, data) => {
    const w = wanted.get(block.sdnaIndex)!
    for (let at = 0; at + w.size <= data.length; at += w.size) {
      const one = external(r, w.type, data.subarray(at, at + w.size), stem)
      if (one) found.push(one)
    }
  })
  return found
}

/** What one struct of these types points at outside the file, or null (packed, generated, linked data, no path). */
function external (r: Fields, type: string, d: Uint8Array, stem: string): ExternalFile | null {
  const kind = STRUCTS[type]!
  const text = (...names: string[]) => { for (const n of names) { const t = r.text(d, type, n); if (t !== undefined) return t } return '' }
  const num = (name: string) => r.number(d, type, name) ?? 0
  const packed = () => (r.pointer(d, type, 'packedfile') ?? 0n) !== 0n || (r.pointer(d, type, 'packedfiles', 'first') ?? 0n) !== 0n
  const user = type === 'PointCache' || type === 'FluidDomainSettings' ? type : (r.text(d, type, 'id', 'name') ?? type)
  if (type !== 'Library' && type !== 'PointCache' && type !== 'FluidDomainSettings' && (r.pointer(d, type, 'id', 'lib') ?? 0n) !== 0n) return null
  const make = (path: string, form: ExternalFile['form']): ExternalFile | null => path === '' ? null : { kind, path, form, user }
  switch (type) {
    case 'Library': return packed() ? null : make(text('name', 'filepath'), 'file')
    case 'Image': {
      const source = num('source')
      if (packed() || ![1, IMA_SRC_SEQUENCE, IMA_SRC_MOVIE, IMA_SRC_TILED].includes(source)) return null
      return make(text('name', 'filepath'), source === IMA_SRC_SEQUENCE ? 'sequence' : source === IMA_SRC_TILED ? 'udim' : 'file')
    }
    case 'MovieClip': return make(text('name', 'filepath'), num('source') === MCLIP_SRC_SEQUENCE ? 'sequence' : 'file')
    case 'bSound': return packed() ? null : make(text('name', 'filepath'), 'file')
    case 'VFont': { const p = text('name', 'filepath'); return packed() || p === '<builtin>' ? null : make(p, 'file') }
    case 'CacheFile': return make(text('filepath'), num('is_sequence') ? 'sequence' : 'file')
    case 'Volume': return packed() ? null : make(text('filepath'), num('is_sequence') ? 'sequence' : 'file')
    case 'PointCache': {
      const flag = num('flag')
      if (!(flag & PTCACHE_DISK_CACHE)) return null
      // Not external: Blender's own blendcache_<file name> folder beside the .blend.
      return make(flag & PTCACHE_EXTERNAL ? text('path') : `//blendcache_${stem}`, 'folder')
    }
    case 'FluidDomainSettings': return make(text('cache_directory'), 'folder')
  }
  return null
}
