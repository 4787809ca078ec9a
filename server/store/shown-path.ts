// A file's path as staff know it: a named path (share::folder/file) inside a share, else relative to
// the server's settings file (where users/, projects/ and the rest are configured), else absolute.
import { dirname, isAbsolute, relative, sep } from 'node:path'
import type { Shares } from '../../common/named-paths.ts'

export function shownPath (config: { file: string, shares: Shares }, abs: string): string {
  const named = config.shares.toNamed(abs)
  if (named) return named
  const rel = relative(dirname(config.file), abs)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/')
}
