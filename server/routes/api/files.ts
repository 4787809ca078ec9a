// Files of one project by extension, assets or not: the Rendering page's "show every .blend file".
// The walk skips what the asset index skips (old/ folders, dot-files) and never leaves the project:
// a symlink is followed only when it resolves inside, and never into a folder (no loops).
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { FileList } from '../../../schemas/generated/types.ts'
import { badRequest } from '../../errors.ts'
import { isIgnoredName } from '../../store/asset-index.ts'
import { resolveInside } from '../../../common/named-paths.ts'
import { registerRoutes } from '../register-routes.ts'

/** More than any summer school project holds; keeps one answer small on a huge share. */
export const MAX_FILES = 5000
const EXTENSION = /^[a-z0-9]{1,16}$/

type FileEntry = FileList['files'][number]

/** Every file under `root` whose name ends in `.ext`, walked breadth first, at most `limit`. */
export async function listFiles (root: string, ext: string, limit = MAX_FILES): Promise<{ files: Array<Omit<FileEntry, 'asset'>>, truncated: boolean }> {
  const suffix = `.${ext}`
  const files: Array<Omit<FileEntry, 'asset'>> = []
  const folders = ['']
  while (folders.length > 0) {
    const rel = folders.shift()!
    let dirents
    try {
      dirents = await readdir(join(root, rel), { withFileTypes: true })
    } catch {
      continue // gone or unreadable meanwhile: the rest of the project still lists
    }
    for (const d of dirents) {
      if (isIgnoredName(d.name)) continue
      const path = rel ? `${rel}/${d.name}` : d.name
      if (d.isDirectory()) { folders.push(path); continue }
      if (!d.name.toLowerCase().endsWith(suffix) || !(d.isFile() || d.isSymbolicLink())) continue
      let abs: string
      try {
        abs = resolveInside(root, path, 'file')
      } catch {
        continue // a link leading out of the project is not offered
      }
      const info = await stat(abs).catch(() => null)
      if (!info?.isFile()) continue
      if (files.length === limit) return { files, truncated: true }
      files.push({ path, size: info.size, modified: info.mtime.toISOString() })
    }
  }
  return { files, truncated: false }
}

export async function fileRoutes (app: FastifyInstance): Promise<void> {
  const { workspace } = app.rfam

  registerRoutes(app, {
    listFiles: async (request) => {
      // Not checked by a schema: a repeated ?ext= (an array) gets the same sentence as any other bad one.
      const ext = request.query.ext as unknown
      if (ext === undefined || ext === '') throw badRequest('RFAM_BAD_EXTENSION', 'Say which files to list, for example ?ext=blend.')
      if (typeof ext !== 'string' || !EXTENSION.test(ext)) {
        throw badRequest('RFAM_BAD_EXTENSION', `"${String(ext)}" is not a file extension; give letters and digits only, without the dot, for example ?ext=blend.`)
      }
      const store = workspace.store(request.params.project)
      const { files, truncated } = await listFiles(store.root, ext)
      const listed = files.map((f) => ({ ...f, asset: store.index.entries.has(f.path) }))
      listed.sort((a, b) => Number(b.asset) - Number(a.asset) || a.path.localeCompare(b.path))
      return { files: listed, truncated }
    },
  })
}
