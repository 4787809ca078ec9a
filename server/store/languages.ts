// Language files, loaded at start. Every visible string of the pages comes from one of them. A damaged
// file stops the start only when it is the default language (every page needs it); any other is left
// out, and said so (Workspace lists it as a problem).
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Language } from '../../schemas/generated/types.ts'
import { ConfigError, readJsonFile } from '../../common/read-json-file.ts'

export interface BrokenLanguage { file: string, code: string, reason: string }

export function loadLanguages (dir: string, fallback: string): { languages: Map<string, Language>, broken: BrokenLanguage[] } {
  const languages = new Map<string, Language>()
  const broken: BrokenLanguage[] = []
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
      const file = join(dir, name)
      const code = name.slice(0, -'.json'.length)
      try {
        const lang = readJsonFile<Language>(file, 'language.schema.json')
        if (lang.code !== code) throw new ConfigError(`${file}: /code "${lang.code}" must match the file name.`)
        languages.set(lang.code, lang)
      } catch (err) {
        if (!(err instanceof ConfigError) || code === fallback) throw err
        broken.push({ file, code, reason: err.message.startsWith(file + ': ') ? err.message.slice(file.length + 2).replace(/\.$/, '') : err.message })
      }
    }
  }
  if (!languages.has(fallback)) throw new ConfigError(`${join(dir, fallback + '.json')}: the default language file is missing.`)
  return { languages, broken }
}
