// The file name a new asset gets from its type and name: '<type directory>/<name><template extension>',
// the name lower-cased, accents dropped, and every run of other characters (spaces, punctuation, emoji)
// turned into one '_'. The same rule as the server's (server/store/asset-naming.ts), so the suggestion
// is what the server would pick.
import type { AssetType } from '../../../schemas/generated/types.ts'

export function fileStem (name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80)
}

export function templateExtension (type: AssetType): string {
  const match = /\.[^./]+$/.exec(type.file ?? '')
  return match ? match[0] : ''
}

/** The derived path, or '' while the name gives nothing usable. */
export function deriveFileName (type: AssetType | undefined, name: string): string {
  if (!type || name.trim() === '') return ''
  const stem = fileStem(name) || 'asset'
  return `${type.directory.replace(/\/+$/, '')}/${stem}${templateExtension(type)}`
}
