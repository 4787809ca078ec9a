// Copies the language files (config/languages/*.json) into the Blender add-on (blender-addon/rfam/
// languages/), which ships them and speaks the same words as the web pages (blender-addon/rfam/words.py).
// Stale files there are removed, so the copy is always exactly the source. `npm run addon:schemas` (and
// `npm run gen`) run it with the schemas' copy; test/schemas/addon-copy.test.ts fails when it differs.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../server/config/load-config.ts'

export const languagesDir = join(repoRoot, 'config', 'languages')
export const addonLanguagesDir = join(repoRoot, 'blender-addon', 'rfam', 'languages')

export function languageFiles (dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort() : []
}

/** Makes the add-on's languages folder an exact copy; returns what it wrote and what it removed. */
export function copyAddonLanguages (from = languagesDir, to = addonLanguagesDir): { written: string[], removed: string[] } {
  const wanted = languageFiles(from)
  const removed = languageFiles(to).filter((file) => !wanted.includes(file))
  for (const file of removed) rmSync(join(to, file))
  mkdirSync(to, { recursive: true })
  const written: string[] = []
  for (const file of wanted) {
    const source = readFileSync(join(from, file))
    const target = join(to, file)
    if (existsSync(target) && readFileSync(target).equals(source)) continue
    writeFileSync(target, source)
    written.push(file)
  }
  return { written, removed }
}
