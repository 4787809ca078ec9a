// The Blender add-on as files and as one zip: which files of blender-addon/rfam/ ship, the version
// they state, and the zip of them (rfam/… inside) with the contract's schemas from a given folder
// and extra files (the server adds the address it was downloaded from). npm run addon:build
// (scripts/build-addon.ts) writes it to disk; GET /api/addon/zip serves it.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { repoRoot } from '../config/load-config.ts'
import { zip } from './zip-writer.ts'

export const addonDir = join(repoRoot, 'blender-addon', 'rfam')
const PACKAGE = 'rfam'

/** Files that never ship: byte code, editor and OS droppings. */
const skipped = (name: string) => name === '__pycache__' || name.endsWith('.pyc') || name.startsWith('.')

export function addonFiles (dir = addonDir): string[] {
  const out: string[] = []
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (skipped(entry.name)) continue
      const full = join(folder, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) out.push(relative(dir, full).split(sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

/** The add-on's version as bl_info, the manifest and package.json state it; throws when they differ. */
export function addonVersion (dir = addonDir): string {
  const init = readFileSync(join(dir, '__init__.py'), 'utf8')
  const manifest = readFileSync(join(dir, 'blender_manifest.toml'), 'utf8')
  const blInfo = /"version":\s*\((\d+),\s*(\d+),\s*(\d+)\)/.exec(init)
  const toml = /^version\s*=\s*"([^"]+)"/m.exec(manifest)
  const pkg = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
  if (!blInfo) throw new Error(`${join(dir, '__init__.py')}: bl_info has no "version": (x, y, z)`)
  if (!toml) throw new Error(`${join(dir, 'blender_manifest.toml')}: no version = "x.y.z" line`)
  const fromInit = blInfo.slice(1, 4).join('.')
  if (fromInit !== toml[1] || toml[1] !== pkg) {
    throw new Error(`The add-on's versions differ: bl_info ${fromInit}, blender_manifest.toml ${toml[1]}, package.json ${pkg}. Make them equal.`)
  }
  return pkg
}

/** Folders copied, relative to schemas/, with the files each holds. */
const copied: { folder: string, wanted: (name: string) => boolean }[] = [
  { folder: '.', wanted: (name) => name.endsWith('.schema.json') },
  { folder: 'fixtures', wanted: (name) => name.endsWith('.json') },
  { folder: 'routes', wanted: (name) => name.endsWith('.routes.json') }, // for the contract's fingerprint
]

const listed = (dir: string, wanted: (name: string) => boolean) =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && wanted(e.name)).map((e) => e.name).sort() : []

/** Paths (relative to a schemas folder) of every file the copy holds, in `root` (schemas/ or the add-on's copy). */
export function contractFiles (root: string): string[] {
  return copied.flatMap(({ folder, wanted }) => listed(join(root, folder), wanted).map((name) => join(folder, name)))
}

/**
 * The zip's bytes, with the add-on's files (schemas/ from `contractFrom` when given) and `extra`
 * files added to the package (the server adds the address it was downloaded from).
 */
export function addonArchive (contractFrom?: string, extra: Record<string, Buffer> = {}): { archive: Buffer, version: string, files: string[] } {
  const version = addonVersion()
  const contract = contractFrom
  const files = [
    ...addonFiles().filter((f) => (!contract || !f.startsWith('schemas/')) && !(f in extra)),
    ...(contract ? contractFiles(contract).map((f) => `schemas/${f}`) : []),
    ...Object.keys(extra),
  ].sort()
  const source = (f: string) => contract && f.startsWith('schemas/') ? join(contract, f.slice('schemas/'.length)) : join(addonDir, f)
  const archive = zip(files.map((f) => ({ name: `${PACKAGE}/${f}`, data: extra[f] ?? readFileSync(source(f)) })))
  return { archive, version, files }
}
