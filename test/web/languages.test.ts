// Every language file is complete: it is a valid language document named after its code, it has every key
// of English with the same {placeholders}, and English has every key the web UI asks for with t('…').
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { validator } from '../../schemas/validator.ts'
import type { Language } from '../../schemas/generated/types.ts'
import { repoRoot } from '../../server/config/load-config.ts'
import { testFolder } from '../helpers/folders.ts'

const languagesDir = join(repoRoot, 'config', 'languages')
const webSrc = join(repoRoot, 'web', 'src')

/**
 * Keys another language may have beyond English: names of a defaults set's states, types and priority
 * levels ('state:ns', 'type:char', 'priority:High'). English shows the names the configuration gives them.
 */
const translatedNames = /^(state|type):[a-z0-9][a-z0-9_-]*$|^priority:[A-Z]/

function load (file: string): Language {
  return JSON.parse(readFileSync(join(languagesDir, file), 'utf8')) as Language
}

function placeholders (text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/** Keys of every t('key') call, comments left out, with the files that use each. */
export function usedKeys (dir: string): Map<string, string[]> {
  const used = new Map<string, string[]>()
  for (const file of sourceFiles(dir)) {
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
    for (const match of source.matchAll(/\bt\(\s*(['"`])([^'"`]+)\1/g)) {
      const key = match[2]!
      used.set(key, [...(used.get(key) ?? []), relative(repoRoot, file)])
    }
  }
  return used
}

const files = readdirSync(languagesDir).filter((name) => name.endsWith('.json')).sort()
const english = load('en.json')

t.ok(files.length >= 2, 'English and at least one more language ship')

for (const file of files) {
  t.test(file, async (t) => {
    const language = load(file)
    t.equal(validator().check('language.schema.json', structuredClone(language)), null, 'is a valid language file')
    t.equal(`${language.code}.json`, file, 'its code matches the file name')
    const missing = Object.keys(english.strings).filter((key) => language.strings[key] === undefined)
    t.same(missing, [], `has every key of en.json (missing: ${missing.join(', ') || 'none'})`)
    const extra = Object.keys(language.strings).filter((key) => english.strings[key] === undefined && !translatedNames.test(key))
    t.same(extra, [], `has no key that en.json lacks (extra: ${extra.join(', ') || 'none'})`)
    // A translation may leave a value out (German need not repeat an English field name the server
    // fills in), never use one English does not give.
    const wrongPlaceholders = Object.entries(english.strings)
      .filter(([key, text]) => language.strings[key] !== undefined &&
        placeholders(language.strings[key]!).some((name) => !placeholders(text!).includes(name)))
      .map(([key]) => key)
    t.same(wrongPlaceholders, [], 'uses no {placeholder} English does not have')
    const empty = Object.entries(language.strings).filter(([, text]) => !text?.trim()).map(([key]) => key)
    t.same(empty, [], 'has no empty text')
  })
}

t.test('every key the web UI uses is in en.json', async (t) => {
  const used = usedKeys(webSrc)
  t.ok(used.size > 100, `found the t('…') calls (${used.size} keys)`)
  const missing = [...used].filter(([key]) => english.strings[key] === undefined).map(([key, where]) => `${key} (${where[0]})`)
  t.same(missing, [], `en.json lacks: ${missing.join(', ') || 'nothing'}`)
})

t.test('the key finder sees keys and skips comments', async (t) => {
  const { writeFileSync } = await import('node:fs')
  const dir = testFolder(t, 'keys')
  writeFileSync(join(dir, 'a.ts'), "// t('in:comment')\n/* t('in:block') */\nconst x = t('real:key', { a: 1 }) + t(\"other:key\")\n")
  t.same([...usedKeys(dir).keys()].sort(), ['other:key', 'real:key'])
})

t.test('every sentence the server and the render node say is in en.json', async (t) => {
  const said = new Map<string, string>()
  for (const dir of ['server', 'node']) {
    for (const file of sourceFiles(join(repoRoot, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bsay\(\s*'([a-z][a-z0-9-]*:[a-z0-9-]+)'/g)) said.set(m[1]!, relative(repoRoot, file))
    }
  }
  t.ok(said.size > 50, `found the say('…') calls (${said.size} keys)`)
  const missing = [...said].filter(([key]) => english.strings[key] === undefined).map(([key, where]) => `${key} (${where})`)
  t.same(missing, [], `en.json lacks: ${missing.join(', ') || 'nothing'}`)
})

t.test('every word the Blender add-on shows is in en.json', async (t) => {
  const addon = join(repoRoot, 'blender-addon', 'rfam')
  const used = new Map<string, string>()
  for (const name of readdirSync(addon).filter((n) => n.endsWith('.py'))) {
    const source = readFileSync(join(addon, name), 'utf8')
    for (const m of source.matchAll(/\b(?:tr|optional)\(\s*["']([a-z][a-z0-9-]*:[a-z0-9-]+)["']/g)) used.set(m[1]!, name)
    for (const m of source.matchAll(/["']((?:addon|check|job|asset|stats|render|login|action|save|priority|user):[a-z0-9-]*[a-z0-9])["']/g)) used.set(m[1]!, name)
  }
  t.ok(used.size > 60, `found the add-on's keys (${used.size})`)
  const missing = [...used].filter(([key]) => english.strings[key] === undefined).map(([key, where]) => `${key} (${where})`)
  t.same(missing, [], `en.json lacks: ${missing.join(', ') || 'nothing'}`)
})
