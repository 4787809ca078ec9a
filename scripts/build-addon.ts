// Builds the installable Blender add-on: refreshes the add-on's copy of the contract (schemas/),
// checks that bl_info, blender_manifest.toml and package.json name one version, then zips
// blender-addon/rfam/ as rfam/… into blender-addon/dist/rfam-addon.zip. Blender 3.x installs it with
// Preferences > Add-ons > Install; 4.2+ also accepts it as an extension (the manifest sits in the
// single top folder). The zip is reproducible: sorted entries, fixed dates.
// Usage: npm run addon:build   (tests call buildAddon({ outFile })). What ships and how it is zipped:
// server/addon/addon-archive.ts, which the server uses for GET /api/addon/zip too.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from '../server/config/load-config.ts'
import { addonArchive } from '../server/addon/addon-archive.ts'
import { copyAddonSchemas } from './copy-addon-schemas.ts'
import { copyAddonLanguages } from './copy-addon-languages.ts'

export const defaultZip = join(repoRoot, 'blender-addon', 'dist', 'rfam-addon.zip')

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
  const { archive, version, files } = addonArchive(options.contractFrom)
  mkdirSync(dirname(outFile), { recursive: true })
  writeFileSync(outFile, archive)
  return { file: outFile, version, files, bytes: archive.length }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = buildAddon()
  console.log(`${relative(process.cwd(), built.file)}: RFAM add-on ${built.version}, ${built.files.length} files, ${(built.bytes / 1024).toFixed(1)} kB`)
}
