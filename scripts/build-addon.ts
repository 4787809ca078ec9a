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

export function zip (entries: { name: string, data: Buffer }[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8')
    const packed = deflateRawSync(data, { level: 9 })
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt16LE(DOS_TIME, 10)
    local.writeUInt16LE(DOS_DATE, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt16LE(DOS_TIME, 12)
    central.writeUInt16LE(DOS_DATE, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
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

export function buildAddon (options: BuildOptions = {}): BuiltAddon {
  const outFile = options.outFile ?? defaultZip
  if (!options.contractFrom) copyAddonSchemas()
  const { archive, version, files } = addonArchive(options.contractFrom)
  mkdirSync(dirname(outFile), { recursive: true })
  writeFileSync(outFile, archive)
  return { file: outFile, version, files, bytes: archive.length }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = buildAddon()
  console.log(`${relative(process.cwd(), built.file)}: RFAM add-on ${built.version}, ${built.files.length} files, ${(built.bytes / 1024).toFixed(1)} kB`)
}
