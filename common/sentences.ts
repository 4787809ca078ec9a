// Sentences RFAM says to people (refusals, why a job stopped, why a frame failed): each is a key of the
// language files with the values of its {placeholders}. The English text is read from the embedded
// config/languages/en.json, so every sentence is written once, and pages and the add-on show the same key
// in their reader's language. Keys are literal in say('…') calls so test/web/languages.test.ts finds them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Language, Sentence } from '../schemas/generated/types.ts'

export type { Sentence }
export type Params = Record<string, string | number>

/** A sentence and its English text. */
export interface Said { sentence: Sentence, text: string }

let english: Record<string, string | undefined> | undefined

function englishStrings (): Record<string, string | undefined> {
  english ??= (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'config', 'languages', 'en.json'), 'utf8')) as Language).strings
  return english
}

/** Fills '{name}' placeholders; an unknown one stays as it is. */
export function fill (template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])))
}

/** The sentence of a key with its values, and its English text (the key itself when en.json lacks it). */
export function say (key: string, params?: Params): Said {
  const sentence: Sentence = params && Object.keys(params).length > 0 ? { key, params } : { key }
  return { sentence, text: fill(englishStrings()[key] ?? key, params) }
}

/** A sentence as the two fields of a record that keeps both (a job's message, a failure): message and sentence. */
export function sentenceFields (said: Said): { message: string, sentence: Sentence } {
  return { message: said.text, sentence: said.sentence }
}
