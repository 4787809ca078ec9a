// Everyone's pictures at once: the files of one upload (pictures, or .zip files of them), each matched
// to a member of the project by its file name, then previewed (a dry run) or stored as that person's
// picture. Matching ignores case, accents and separators: 'alex.jpg', 'Alex Rivera.png' and
// 'alex_rivera.JPG' are all Alex's. A file that fits nobody or two people, and two files for one
// person, are refused with what to rename, so nobody ever gets someone else's face. What is said of a
// file is a sentence of the language files (the page shows it in the teacher's language).
import type { FastifyRequest } from 'fastify'
import type { PictureMatch, User } from '../../schemas/generated/types.ts'
import { badRequest, HttpError } from '../errors.ts'
import { say, type Said } from '../../common/sentences.ts'
import { normalisePicture } from './pictures.ts'
import { looksLikeZip, readZip } from './zip-reader.ts'

/** How much larger than one picture a whole upload may be. */
export const BATCH_FACTOR = 8
/** Files a .zip may list. */
export const MAX_ZIP_ENTRIES = 1000
/** Files one upload may hold. */
const MAX_FILES = 200
const PICTURE = /\.(jpe?g|png|webp|gif|avif|heic|heif|tiff?)$/i
const PREVIEW_SIZE = 64

export interface UploadedFile { name: string, data: Buffer }

/** One picture file found in the upload (loose, or inside a .zip) and what becomes of it. */
interface Candidate {
  /** As people see it: 'alex.jpg', or 'class.zip › photos/alex.jpg'. */
  file: string
  /** The file name without folders. */
  base: string
  read?: () => Buffer
  user?: User
  action: PictureMatch['action']
  said?: Said
}

const mb = (bytes: number) => `${Math.max(1, Math.round(bytes / (1024 * 1024)))} MB`

function batchTooLarge (max: number): HttpError {
  return new HttpError(413, 'RFAM_TOO_LARGE', say('pictures:upload-too-big', { size: mb(max) }))
}

/** Reads every file of a multipart upload, refusing the upload once it passes `maxTotal` bytes. */
export async function readUploadedFiles (request: FastifyRequest, maxTotal: number): Promise<UploadedFile[]> {
  if (!request.isMultipart()) throw badRequest('RFAM_UPLOAD', 'Send the pictures as a multipart/form-data upload.')
  if (Number(request.headers['content-length'] ?? NaN) > maxTotal + 64 * 1024) throw batchTooLarge(maxTotal)
  const files: UploadedFile[] = []
  let total = 0
  try {
    for await (const part of request.files({ limits: { files: MAX_FILES, fileSize: maxTotal + 1, fields: 5 } })) {
      const chunks: Buffer[] = []
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        total += chunk.length
        if (total > maxTotal) throw batchTooLarge(maxTotal)
        chunks.push(chunk)
      }
      files.push({ name: (part.filename || 'picture').replace(/[\\/]/g, '_'), data: Buffer.concat(chunks) })
    }
  } catch (err) {
    if (err instanceof HttpError) throw err
    if ((err as { code?: string }).code === 'FST_FILES_LIMIT') throw new HttpError(413, 'RFAM_TOO_LARGE', say('pictures:upload-too-many', { max: MAX_FILES }))
    throw badRequest('RFAM_UPLOAD', say('pictures:upload-broken'))
  }
  if (files.length === 0) throw badRequest('RFAM_UPLOAD', say('pictures:upload-none'))
  return files
}

/** Lower-case letters and digits of any script, accents dropped, everything else one space. */
export function nameKey (text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

/** The files of the upload, .zip files opened (hidden files, folders and files that are no pictures skipped). */
export function expand (files: UploadedFile[], maxPictureBytes: number): Candidate[] {
  const out: Candidate[] = []
  const hidden = (path: string) => path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX')
  for (const upload of files) {
    if (/\.zip$/i.test(upload.name) || looksLikeZip(upload.data)) {
      for (const entry of readZip(upload.data, upload.name, { maxEntries: MAX_ZIP_ENTRIES, maxEntryBytes: maxPictureBytes })) {
        if (entry.directory || hidden(entry.name)) continue
        const base = entry.name.split('/').pop()!
        const file = `${upload.name} › ${entry.name}`
        if (!PICTURE.test(base)) out.push({ file, base, action: 'skipped', said: say('pictures:line-not-a-picture') })
        else if (entry.tooLarge) out.push({ file, base, action: 'refused', said: say('pictures:line-too-big', { size: mb(maxPictureBytes) }) })
        else out.push({ file, base, read: entry.read, action: 'save' })
      }
    } else if (!PICTURE.test(upload.name) || hidden(upload.name)) {
      out.push({ file: upload.name, base: upload.name, action: 'skipped', said: say('pictures:line-not-a-picture') })
    } else if (upload.data.length > maxPictureBytes) {
      out.push({ file: upload.name, base: upload.name, action: 'refused', said: say('pictures:line-too-big', { size: mb(maxPictureBytes) }) })
    } else {
      out.push({ file: upload.name, base: upload.name, read: () => upload.data, action: 'save' })
    }
  }
  return out
}

/** Gives each picture its person, or the reason it has none. */
export function match (candidates: Candidate[], members: User[]): Candidate[] {
  const byKey = new Map<string, Set<User>>()
  for (const u of members) {
    for (const key of [nameKey(u.ident), nameKey(u.name)]) {
      if (key) byKey.set(key, (byKey.get(key) ?? new Set()).add(u))
    }
  }
  for (const c of candidates.filter((c) => c.action === 'save')) {
    const stem = c.base.replace(/\.[^.]*$/, '')
    const fits = [...(byKey.get(nameKey(stem)) ?? [])]
    if (fits.length === 1) c.user = fits[0]
    else if (fits.length === 0) Object.assign(c, { action: 'refused', said: say('pictures:line-nobody', { stem, example: members[0]?.ident ?? 'alex' }) })
    else Object.assign(c, { action: 'refused', said: say('pictures:line-fits-several', { stem, names: fits.map((u) => u.name).join(', '), idents: fits.map((u) => u.ident).join(', ') }) })
  }
  // Two pictures for one person: which one is meant cannot be told, so neither is used.
  const byUser = new Map<string, Candidate[]>()
  for (const c of candidates) if (c.user) byUser.set(c.user.ident, [...(byUser.get(c.user.ident) ?? []), c])
  for (const same of byUser.values()) {
    if (same.length < 2) continue
    for (const c of same) Object.assign(c, { action: 'refused', said: say('pictures:line-two-pictures', { name: c.user!.name, count: same.length, files: same.map((s) => s.base).join(', ') }) })
  }
  return candidates
}

/** A small JPEG of the picture as it will look (a data: URL), or the reason it cannot be one. */
export async function preview (data: Buffer): Promise<string> {
  const picture = await normalisePicture(data)
  const { default: sharp } = await import('sharp')
  const small = await sharp(picture).resize(PREVIEW_SIZE, PREVIEW_SIZE).jpeg({ quality: 70 }).toBuffer()
  return `data:image/jpeg;base64,${small.toString('base64')}`
}

/** A file's bytes out of its .zip; damage is the picture's problem, said on its line. */
function unpacked (read: () => Buffer): Buffer {
  try {
    return read()
  } catch (err) {
    throw badRequest('RFAM_NOT_A_PICTURE', say('pictures:line-zip-broken', { error: (err as Error).message }))
  }
}

/**
 * Previews (dryRun) or stores each matched picture, one at a time; `store` saves one person's picture.
 * A picture that cannot be read is refused on its own line; the others go on.
 */
export async function previewOrStore (candidates: Candidate[], dryRun: boolean, store: (user: User, data: Buffer) => Promise<void>): Promise<PictureMatch[]> {
  const results: PictureMatch[] = []
  for (const c of candidates) {
    const result: PictureMatch = { file: c.file, action: c.action }
    if (c.user) Object.assign(result, { user: c.user.ident, name: c.user.name })
    if (c.action === 'save' && c.user && c.read) {
      try {
        const data = unpacked(c.read)
        if (dryRun) result.preview = await preview(data)
        else {
          await store(c.user, data)
          result.action = 'saved'
        }
      } catch (err) {
        // Refused on its own line: this picture cannot be used (a full disk or a bug stops the upload).
        if (!(err instanceof HttpError) || err.statusCode >= 500) throw err
        result.action = 'refused'
        result.detail = err.message
        if (err.sentence) result.sentence = err.sentence
      }
    }
    if (c.said && result.action !== 'save' && result.action !== 'saved' && result.detail === undefined) {
      result.detail = c.said.text
      result.sentence = c.said.sentence
    }
    results.push(result)
  }
  return results
}
