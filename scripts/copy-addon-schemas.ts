// Copies the contract into the Blender add-on (and, run as a script, the language files: see
// copy-addon-languages.ts): schemas/*.schema.json, schemas/fixtures/*.json and
// schemas/routes/*.routes.json go to
// blender-addon/rfam/schemas/, which ships inside the add-on and is committed. Stale files there are
// removed, so the copy is always exactly the source. Run with `npm run addon:schemas`; a test fails
// when the copy differs.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { schemaDir } from '../schemas/load.ts'
import { addonLanguagesDir, copyAddonLanguages } from './copy-addon-languages.ts'
import { contractFiles } from '../server/addon/addon-archive.ts'

export { contractFiles }

export const addonSchemaDir = join(schemaDir, '..', 'blender-addon', 'rfam', 'schemas')

/** Makes blender-addon/rfam/schemas an exact copy; returns what it wrote and what it removed. */
export function copyAddonSchemas (from = schemaDir, to = addonSchemaDir): { written: string[], removed: string[] } {
  const wanted = contractFiles(from)
  const removed = contractFiles(to).filter((file) => !wanted.includes(file))
  for (const file of removed) rmSync(join(to, file))
  const written: string[] = []
  for (const file of wanted) {
    const source = readFileSync(join(from, file))
    const target = join(to, file)
    if (existsSync(target) && readFileSync(target).equals(source)) continue
    mkdirSync(join(target, '..'), { recursive: true })
    writeFileSync(target, source)
    written.push(file)
  }
  return { written, removed }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { written, removed } = copyAddonSchemas()
  const where = relative(process.cwd(), addonSchemaDir) || addonSchemaDir
  console.log(`${where}: ${written.length} written, ${removed.length} removed, ${contractFiles(addonSchemaDir).length} files`)
  // The add-on's words come with it too (blender-addon/rfam/words.py reads them).
  const words = copyAddonLanguages()
  console.log(`${relative(process.cwd(), addonLanguagesDir)}: ${words.written.length} written, ${words.removed.length} removed`)
}
