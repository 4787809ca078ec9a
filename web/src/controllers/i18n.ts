// Every visible string comes from a language file served by /api/languages/:code. `t('key')` looks a key up
// in the current language; components that use an I18nController re-render when the language changes.
// Keys are always literal strings in t('...') calls so test/web/languages.test.ts can find them all.
import type { ReactiveControllerHost } from 'lit'
import type { Language, Sentence } from '../../../schemas/generated/types.ts'
import { urls } from '../api/urls.ts'
import { ChangeNotifier, RerenderOnChange } from './change-notifier.ts'

class I18nStore extends ChangeNotifier {
  code = 'en'
  name = ''
  private strings: Record<string, string | undefined> = {}

  get loaded (): boolean {
    return Object.keys(this.strings).length > 0
  }

  /** Loads a language from the server and makes it current. Throws when the server has no such language. */
  async use (code: string): Promise<void> {
    if (code === this.code && this.loaded) return
    const response = await fetch(urls.getLanguage({ code }), { credentials: 'same-origin' })
    if (!response.ok) throw new Error(`language ${code}: HTTP ${response.status}`)
    this.set(await response.json() as Language)
  }

  set (language: Language): void {
    this.code = language.code
    this.name = language.name
    this.strings = language.strings
    document.documentElement.lang = language.code
    this.changed()
  }

  has (key: string): boolean {
    return this.strings[key] !== undefined
  }

  /** The text for a key with '{name}' placeholders filled in; a missing key shows as the key itself. */
  text (key: string, params?: Record<string, string | number>): string {
    const template = this.strings[key] ?? key
    if (!params) return template
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      params[name] === undefined ? whole : String(params[name]))
  }
}

export const i18n = new I18nStore()

/** Translates a key written literally in the source. */
export function t (key: string, params?: Record<string, string | number>): string {
  return i18n.text(key, params)
}

/**
 * Translates a key built at run time (such as 'state:<ident>' for a defaults set's states), falling back to
 * the name the configuration gives when the language file has no entry for it.
 */
export function tOptional (key: string, fallback: string): string {
  return i18n.has(key) ? i18n.text(key) : fallback
}

/**
 * A sentence the server or a render node made (a refusal, why a job stopped), in the current language;
 * its English `fallback` when this language file lacks the key (a newer server than these pages). A
 * param sent with a companion `<name>Key` (state and stateKey: 'state:us') is a name this language may
 * have its own word for, as on every page (tOptional); else it stays as sent.
 */
export function tSentence (sentence: Sentence | undefined, fallback: string): string {
  if (!sentence || !i18n.has(sentence.key)) return fallback
  const params = sentence.params as Record<string, string | number> | undefined
  return i18n.text(sentence.key, params && namesIn(params))
}

function namesIn (params: Record<string, string | number>): Record<string, string | number> {
  const out = { ...params }
  for (const [name, key] of Object.entries(params)) {
    const base = name.slice(0, -3)
    if (name.endsWith('Key') && typeof key === 'string' && out[base] !== undefined) out[base] = tOptional(key, String(out[base]))
  }
  return out
}

/** Re-renders its host whenever the language changes. */
export class I18nController extends RerenderOnChange {
  constructor (host: ReactiveControllerHost) {
    super(host, i18n)
  }
}

const numberFormats = new Map<string, Intl.NumberFormat>()

/** Formats dates, numbers and sizes for the current language. */
export const format = {
  dateTime (iso: string | undefined): string {
    if (!iso) return ''
    const date = new Date(iso)
    if (Number.isNaN(date.getTime())) return iso
    return new Intl.DateTimeFormat(i18n.code, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
  },
  number (value: number, digits = 1): string {
    // Making a formatter costs far more than using one, and a table formats thousands of numbers.
    const key = `${i18n.code}:${digits}`
    let formatter = numberFormats.get(key)
    if (!formatter) {
      formatter = new Intl.NumberFormat(i18n.code, { maximumFractionDigits: digits })
      numberFormats.set(key, formatter)
    }
    return formatter.format(value)
  },
  bytes (bytes: number | undefined): string {
    if (bytes === undefined) return ''
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
    let value = bytes
    let unit = 0
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
    return `${format.number(value, unit === 0 ? 0 : 1)} ${units[unit]}`
  },
  /** Seconds as 1:02:03 or 2:03 or 4.5 s. */
  duration (seconds: number): string {
    if (seconds < 60) return `${format.number(seconds, 1)} s`
    const whole = Math.round(seconds)
    const h = Math.floor(whole / 3600)
    const m = Math.floor((whole % 3600) / 60)
    const s = String(whole % 60).padStart(2, '0')
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
  },
}
