// File names derived from what people type, and the timestamped names of checkpoints and deleted
// files (no spaces or colons, which Windows and SMB clients cannot handle).
import { basename, dirname, extname, posix } from 'node:path'

/** 'Hero Shot <3 🎬' → 'hero_shot_3'. Never empty, never a path. */
export function fileStem (name: string): string {
  const stem = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80)
  return stem || 'asset'
}

/** Where a new asset of a type goes: '<type directory>/<stem><template extension>'. */
export function derivedAssetPath (directory: string, name: string, templateFile: string | undefined): string {
  return posix.join(directory, fileStem(name) + (templateFile ? extname(templateFile) : ''))
}

export function timestampForFileName (date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')
}

/** 'shots/hero.blend' → 'shots/old/hero.2026-11-27T08-30-00Z.blend'. */
export function oldCopyPath (path: string, date = new Date()): string {
  const ext = extname(path)
  const stem = basename(path, ext)
  return posix.join(dirname(path), 'old', `${stem}.${timestampForFileName(date)}${ext}`)
}

/** How two asset names compare for "the same name": case, accents' forms and spaces around do not count. */
export function nameKey (name: string): string {
  return name.normalize('NFC').trim().toLocaleLowerCase()
}
