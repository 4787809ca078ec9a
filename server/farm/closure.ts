// A job's closure: its .blend and every file it needs to render (blend/external-files.ts), its
// libraries read the same way, recursively (a library seen before is not read again, so A linking B
// linking A ends). Each path is resolved as Blender would ('//' from the folder of the .blend that
// uses it) and through links; what lands outside the project is never shipped (a node with the
// share cannot read it either: its sandbox shows only the project), what is not there is listed as
// missing (Blender renders without it, as on any node).
import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { readExternalFiles, type ExternalFile } from '../blend/external-files.ts'
import { resolveLibraryPath } from '../blend/read-blend-links.ts'
import { isInside } from '../../common/named-paths.ts'

export interface ClosurePaths {
  /** Absolute real paths of the files, the .blend first. */
  files: string[]
  /** Paths inside the project that the files use and that are not there. */
  missing: string[]
  /** Paths the files use outside the project, as resolved. */
  outside: string[]
}

/** Files listed from one folder at most (a cache folder of a long simulation is large, not endless). */
const MAX_FOLDER_FILES = 100_000

/** The closure of `blend` (an absolute path inside `project`). Throws when the .blend itself cannot be read. */
export async function closurePaths (project: string, blend: string): Promise<ClosurePaths> {
  const root = await realpath(project)
  const out: ClosurePaths = { files: [], missing: [], outside: [] }
  const seen = new Set<string>()
  const add = (real: string) => { if (!seen.has(real)) { seen.add(real); out.files.push(real) } }
  const blends = [await realpath(blend)]
  add(blends[0]!)
  const read = new Set<string>()
  while (blends.length > 0) {
    const file = blends.shift()!
    if (read.has(file)) continue // a library cycle, or a library linked twice
    read.add(file)
    let refs: ExternalFile[]
    try {
      refs = await readExternalFiles(file)
    } catch (err) {
      if (read.size === 1) throw err
      continue // a damaged library: Blender renders without it, as it would on the share
    }
    for (const ref of refs) {
      const named = resolveLibraryPath(file, ref.path)
      const shown = isInside(root, named) ? relative(root, named).split(sep).join('/') : named
      let real: string
      try {
        real = await realpath(ref.form === 'file' || ref.form === 'folder' ? named : dirname(named))
      } catch {
        if (ref.form !== 'folder') out.missing.push(shown)
        continue
      }
      if (!isInside(root, real)) { out.outside.push(named); continue }
      for (const each of await expand(ref, real, basename(named))) {
        // A file of a sequence or folder may itself be a link out of the project.
        const f = each === real ? real : await realpath(each).catch(() => '')
        if (!f) continue
        if (!isInside(root, f)) { out.outside.push(each); continue }
        add(f)
        if (ref.kind === 'library') blends.push(f)
      }
    }
  }
  return out
}

/** The files one reference stands for (real paths): itself, a sequence's or UDIM image's siblings, a folder's files. */
async function expand (ref: ExternalFile, real: string, name: string): Promise<string[]> {
  if (ref.form === 'file') return (await stat(real)).isFile() ? [real] : []
  if (ref.form === 'folder') return filesUnder(real)
  const names = await readdir(real).catch(() => [] as string[])
  const pattern = numbered(name, ref.form)
  return names.filter((n) => pattern.test(n)).sort().map((n) => join(real, n))
}

/** The names of a sequence (the last run of digits varies) or of a UDIM image's tiles ('<UDIM>' or a 1001-style number). */
function numbered (name: string, form: 'sequence' | 'udim'): RegExp {
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const token = form === 'udim' ? /<UDIM>|<UVTILE>|1\d{3}(?=\D*$)/.exec(name) : /\d+(?=\D*$)/.exec(name)
  if (!token) return new RegExp(`^${quote(name)}$`)
  return new RegExp(`^${quote(name.slice(0, token.index))}\\d+${quote(name.slice(token.index + token[0].length))}$`)
}

async function filesUnder (dir: string): Promise<string[]> {
  const found: string[] = []
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (found.length >= MAX_FOLDER_FILES) return
      if (e.isDirectory()) await walk(join(d, e.name))
      else if (e.isFile()) found.push(join(d, e.name))
    }
  }
  await walk(dir)
  return found.sort()
}
