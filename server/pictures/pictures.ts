// Profile and team pictures: stored resized on the picture share (pictures/<kind>/<ident>.jpg),
// served with a type found from their bytes, never from a name someone chose. Only what is inside
// a share's pictures/ folder is served (a link there leading elsewhere is not followed), and
// nothing is written through a link.
import { readFile } from 'node:fs/promises'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Sharp } from 'sharp'
import { badRequest } from '../errors.ts'
import { say } from '../../common/sentences.ts'
import { writeFileAtomic } from '../../common/atomic-write.ts'
import { parseNamedPath, resolveForWrite, resolveInside, type Shares } from '../../common/named-paths.ts'

const FOLDER = 'pictures'

export const PICTURE_SIZE = 256

/** Largest side of a note's picture (notes are read on screens, not printed). */
export const NOTE_PICTURE_SIZE = 1600

/**
 * An upload as a picture sharp will decode: what it is is found from its bytes (its header, then a
 * full decode when converted), never from its name; anything else is refused with a sentence.
 */
async function openPicture (data: Buffer): Promise<Sharp> {
  // Loaded on first use: it is the heaviest module, and only uploads need it.
  const { default: sharp } = await import('sharp')
  try {
    const image = sharp(data, { limitInputPixels: 40_000_000, failOn: 'error' })
    const meta = await image.metadata()
    if (!meta.format || !['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff'].includes(meta.format)) throw new Error(meta.format ?? 'unknown')
    return image
  } catch {
    throw badRequest('RFAM_NOT_A_PICTURE', say('error:not-a-picture'))
  }
}

/** Converts, refusing a picture whose data breaks off after a good header. */
async function converted (image: Sharp): Promise<Buffer> {
  try {
    return await image.toBuffer()
  } catch {
    throw badRequest('RFAM_NOT_A_PICTURE', say('error:not-a-picture'))
  }
}

/** Resizes an upload to a square JPEG; anything that is not a picture is refused. */
export async function normalisePicture (data: Buffer): Promise<Buffer> {
  const image = await openPicture(data)
  return converted(image.rotate().resize(PICTURE_SIZE, PICTURE_SIZE, { fit: 'cover' }).jpeg({ quality: 85 }))
}

/** A note's picture: a JPEG of at most NOTE_PICTURE_SIZE a side, uncropped; anything else is refused. */
export async function notePicture (data: Buffer): Promise<Buffer> {
  const image = await openPicture(data)
  return converted(image.rotate().resize(NOTE_PICTURE_SIZE, NOTE_PICTURE_SIZE, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }))
}

export async function storePicture (shares: Shares, share: string, kind: 'users' | 'projects', ident: string, data: Buffer): Promise<string> {
  const rel = `${FOLDER}/${kind}/${ident}.${Date.now().toString(36)}.jpg`
  const named = `${share}::${rel}`
  const abs = resolveForWrite(shares.root(share), rel, 'picture', { place: 'its share' })
  await mkdir(dirname(abs), { recursive: true })
  await writeFileAtomic(abs, await normalisePicture(data))
  return named
}

/** Reads a stored picture and names its type from its first bytes. */
export async function readPicture (shares: Shares, named: string): Promise<{ data: Buffer, type: string } | null> {
  try {
    const { share, rel } = parseNamedPath(named)
    if (!rel.startsWith(`${FOLDER}/`)) return null
    const data = await readFile(resolveInside(join(shares.root(share), FOLDER), rel.slice(FOLDER.length + 1), 'picture'))
    return { data, type: sniffImageType(data) }
  } catch {
    return null
  }
}

export function sniffImageType (data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xd8) return 'image/jpeg'
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (data.subarray(0, 4).toString() === 'RIFF' && data.subarray(8, 12).toString() === 'WEBP') return 'image/webp'
  if (data.subarray(0, 3).toString() === 'GIF') return 'image/gif'
  return 'application/octet-stream'
}
