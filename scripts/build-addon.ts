// Builds the installable Blender add-on: refreshes the add-on's copy of the contract (schemas/),
// checks that bl_info, blender_manifest.toml and package.json name one version, then zips
// blender-addon/rfam/ as rfam/… into blender-addon/dist/rfam-addon.zip. Blender 3.x installs it with
// Preferences > Add-ons > Install; 4.2+ also accepts it as an extension (the manifest sits in the
// single top folder). The zip is reproducible: sorted entries, fixed dates.
// Usage: npm run addon:build   (tests call buildAddon({ outFile }))
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { crc32, deflateRawSync } from 'node:zlib'
import { repoRoot } from '../server/config/load-config.ts'
import { contractFiles, copyAddonSchemas } from './copy-addon-schemas.ts'
import { copyAddonLanguages } from './copy-addon-languages.ts'

export const addonDir = join(repoRoot, 'blender-addon', 'rfam')
export const defaultZip = join(repoRoot, 'blender-addon', 'dist', 'rfam-addon.zip')
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

// ---- a minimal, deterministic zip writer (stored names are UTF-8, data deflated) ------------
const DOS_DATE = (1 << 5) | 1 // 1980-01-01
const DOS_TIME = 0

/**
 * The fields a local header and its central directory entry both hold, in the same order (APPNOTE
 * 4.3.7 and 4.3.12): version needed … file name length, from `at` on.
 */
function writeFileFields (header: Buffer, at: number, file: { crc: number, packedSize: number, size: number, nameLength: number }): void {
  header.writeUInt16LE(20, at) // version needed
  header.writeUInt16LE(0x0800, at + 2) // UTF-8 names
  header.writeUInt16LE(8, at + 4) // deflate
  header.writeUInt16LE(DOS_TIME, at + 6)
  header.writeUInt16LE(DOS_DATE, at + 8)
  header.writeUInt32LE(file.crc, at + 10)
  header.writeUInt32LE(file.packedSize, at + 14)
  header.writeUInt32LE(file.size, at + 18)
  header.writeUInt16LE(file.nameLength, at + 22)
}

export function zip (entries: { name: string, data: Buffer }[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8')
    const packed = deflateRawSync(data, { level: 9 })
    const file = { crc: crc32(data), packedSize: packed.length, size: data.length, nameLength: nameBytes.length }
    const local = Buffer.alloc(30) // the extra field's length (at 28) stays 0
    local.writeUInt32LE(0x04034b50, 0)
    writeFileFields(local, 4, file)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below counts
    writeFileFields(central, 6, file)
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38) // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, packed)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

export interface BuiltAddon { file: string, version: string, files: string[], bytes: number }

export interface BuildOptions {
  outFile?: string
  /**
   * Where the zip's schemas/ comes from. Default: schemas/ is first copied into the add-on's own copy
   * (blender-addon/rfam/schemas, committed), which then ships. Tests pass schemas/ itself, so the
   * zip is what a build would make without the test rewriting the repository.
   */
  contractFrom?: string
}

export function buildAddon (options: BuildOptions = {}): BuiltAddon {
  const outFile = options.outFile ?? defaultZip
  if (!options.contractFrom) {
    copyAddonSchemas()
    copyAddonLanguages()
  }
  const version = addonVersion()
  const contract = options.contractFrom
  const files = [
    ...addonFiles().filter((f) => !contract || !f.startsWith('schemas/')),
    ...(contract ? contractFiles(contract).map((f) => `schemas/${f}`) : []),
  ].sort()
  const source = (f: string) => contract && f.startsWith('schemas/') ? join(contract, f.slice('schemas/'.length)) : join(addonDir, f)
  const archive = zip(files.map((f) => ({ name: `${PACKAGE}/${f}`, data: readFileSync(source(f)) })))
  mkdirSync(dirname(outFile), { recursive: true })
  writeFileSync(outFile, archive)
  return { file: outFile, version, files, bytes: archive.length }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = buildAddon()
  console.log(`${relative(process.cwd(), built.file)}: RFAM add-on ${built.version}, ${built.files.length} files, ${(built.bytes / 1024).toFixed(1)} kB`)
}
