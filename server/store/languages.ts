// Language files, loaded at start. Every visible string of the pages comes from one of them.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Language } from '../../schemas/generated/types.ts'
import { ConfigError, readJsonFile } from '../config/read-json-file.ts'

export function loadLanguages (dir: string, fallback: string): Map<string, Language> {
  const out = new Map<string, Language>()
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const file = join(dir, name)
      const lang = readJsonFile<Language>(file, 'language.schema.json')
      if (`${lang.code}.json` !== name) throw new ConfigError(`${file}: /code "${lang.code}" must match the file name.`)
      out.set(lang.code, lang)
    }
  }
  if (!out.has(fallback)) throw new ConfigError(`${join(dir, fallback + '.json')}: the default language file is missing.`)
  return out
}
