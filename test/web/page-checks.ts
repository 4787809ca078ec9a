// Checks a page the way a first-time reader meets it, in the browser itself (every shadow root walked):
// text cut off or spilling out of its box, a select too narrow for the choice it shows, buttons and
// links smaller than a finger (40 px), words of English on a page in another language, and a page that
// scrolls sideways. Each problem comes back as a line naming the element and its text.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { Language } from '../../schemas/generated/types.ts'
import { repoRoot } from '../../server/config/load-config.ts'

export interface PageProblems {
  /** Text that does not fit: clipped, or spilling out of the box drawn around it. */
  cutOff: string[]
  /** Selects whose chosen option is wider than the select. */
  narrowSelects: string[]
  /** Buttons, links and fields smaller than 40 × 40 px (links inside a sentence excepted). */
  smallTargets: string[]
  /** English text on a page in another language. */
  english: string[]
  /** The page is wider than the window. */
  sideways: string[]
}

export const MIN_TARGET = 40

/** Every text of the language files in English and in `code`, where the two differ; with the defaults sets' names. */
export function englishTexts (code: string): Array<{ en: string, other: string }> {
  const load = (c: string) => (JSON.parse(readFileSync(join(repoRoot, 'config', 'languages', `${c}.json`), 'utf8')) as Language).strings
  const en = load('en')
  const other = load(code)
  const pairs = Object.entries(en).flatMap(([key, text]) => (other[key] && other[key] !== text ? [{ en: text!, other: other[key] }] : []))
  // The names a defaults set gives its states, types and priority levels are English; the language file has their translations.
  const defaults = join(repoRoot, 'config', 'defaults')
  for (const set of readdirSync(defaults, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const kind of ['states', 'types']) {
      for (const file of readdirSync(join(defaults, set.name, kind)).filter((f) => f.endsWith('.json'))) {
        const name = (JSON.parse(readFileSync(join(defaults, set.name, kind, file), 'utf8')) as { name: string }).name
        const translated = other[`${kind === 'states' ? 'state' : 'type'}:${file.slice(0, -5)}`]
        if (translated && translated !== name) pairs.push({ en: name, other: translated })
      }
    }
    const priority = JSON.parse(readFileSync(join(defaults, set.name, 'priority.json'), 'utf8')) as { names?: string[] }
    for (const name of priority.names ?? []) {
      if (other[`priority:${name}`] && other[`priority:${name}`] !== name) pairs.push({ en: name, other: other[`priority:${name}`]! })
    }
  }
  return pairs
}

/** Looks at the page as it is now. `english`: the texts to look for (empty on an English page). */
export async function checkPage (page: Page, english: Array<{ en: string, other: string }> = []): Promise<PageProblems> {
  // Run from tsx, esbuild names functions with a helper the page does not have.
  await page.evaluate('globalThis.__name ??= (f) => f')
  return await page.evaluate(({ english, minTarget }) => {
    const elements: Element[] = []
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        elements.push(el)
        if (el.shadowRoot) walk(el.shadowRoot)
      }
    }
    walk(document)
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect()
      if (r.width <= 1 || r.height <= 1) return false // nothing, or visually hidden (read aloud only)
      return el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    }
    const hostPath = (el: Element) => {
      const names: string[] = []
      for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) names.unshift(root.host.tagName.toLowerCase())
      return names.join(' > ')
    }
    const name = (el: Element) => {
      const text = ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim()
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : ''
      return `${hostPath(el)} ${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${text.slice(0, 50)}"`
    }
    const ownText = (el: Element) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '')
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null)
    const cutOff: string[] = []
    const narrowSelects: string[] = []
    const smallTargets: string[] = []
    const found: string[] = []

    for (const el of elements) {
      if (!shown(el)) continue
      const style = getComputedStyle(el)
      // Text wider than its own box: cut off (overflow hidden, an ellipsis) or spilling out of it.
      if (ownText(el) && style.display !== 'inline' && style.display !== 'contents' &&
          !['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'SELECT') {
        cutOff.push(`${name(el)} needs ${el.scrollWidth} px, has ${el.clientWidth}`)
      }
      // Text (of any element, inline ones too) reaching past a box drawn around it.
      if (ownText(el)) {
        // The element's own text only: a child may be positioned elsewhere (read-aloud-only text).
        let left = Infinity
        let right = -Infinity
        for (const node of el.childNodes) {
          if (node.nodeType !== Node.TEXT_NODE || !node.textContent!.trim()) continue
          const range = document.createRange()
          range.selectNodeContents(node)
          const r = range.getBoundingClientRect()
          left = Math.min(left, r.left)
          right = Math.max(right, r.right)
        }
        const text = { left, right }
        for (let box = parentOf(el); box; box = parentOf(box)) {
          const bs = getComputedStyle(box)
          const drawn = bs.borderLeftWidth !== '0px' || bs.borderRightWidth !== '0px' || bs.backgroundColor !== 'rgba(0, 0, 0, 0)' || bs.overflowX !== 'visible'
          if (['auto', 'scroll'].includes(bs.overflowX)) break // inside something that scrolls: reachable
          if (!drawn || bs.display === 'contents') continue
          const b = box.getBoundingClientRect()
          if (b.width > 1 && (text.right > b.right + 1 || text.left < b.left - 1)) {
            cutOff.push(`${name(el)} reaches out of ${name(box).slice(0, 80)}`)
          }
          break
        }
      }
      if (el instanceof HTMLSelectElement) {
        const chosen = el.selectedOptions[0]?.text ?? ''
        const canvas = document.createElement('canvas').getContext('2d')!
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
        const need = canvas.measureText(chosen).width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 20
        if (need > el.clientWidth + 1) narrowSelects.push(`${name(el)} shows "${chosen}": needs ${Math.ceil(need)} px, has ${el.clientWidth}`)
      }
      // Things to press or type in, and how big they are to a finger.
      const interactive = el.matches('a[href], button, select, textarea, summary, input:not([type=hidden]), [role=button], [tabindex="0"]')
      if (interactive) {
        let target: Element = el
        if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') ?? el
        // A link inside a sentence may be as tall as its line (as WCAG's target size rule allows).
        const parent = parentOf(el)
        const inSentence = el.tagName === 'A' && parent !== null && getComputedStyle(el).display === 'inline' &&
          (parent.textContent ?? '').trim().length > (el.textContent ?? '').trim().length + 2
        const r = target.getBoundingClientRect()
        if (!inSentence && (r.width < minTarget - 0.5 || r.height < minTarget - 0.5)) {
          smallTargets.push(`${name(el)} is ${Math.round(r.width)} × ${Math.round(r.height)} px`)
        }
      }
    }
    // Hidden radios and checkboxes are pressed through their label: that label is their size.
    for (const el of elements) {
      if (!(el instanceof HTMLInputElement) || !['radio', 'checkbox'].includes(el.type) || shown(el)) continue
      const label = el.labels?.[0]
      if (!label || !shown(label)) continue
      const r = label.getBoundingClientRect()
      if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5) smallTargets.push(`${name(label)} is ${Math.round(r.width)} × ${Math.round(r.height)} px`)
    }

    if (english.length > 0) {
      const texts: string[] = []
      for (const el of elements) {
        if (!shown(el)) continue
        for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) texts.push(n.textContent!.replace(/\s+/g, ' ').trim())
        if (el instanceof HTMLSelectElement && el.selectedOptions[0]) texts.push(el.selectedOptions[0].text.trim())
        if (el instanceof HTMLInputElement && el.placeholder) texts.push(el.placeholder)
      }
      const all = texts.join('\n')
      for (const { en, other } of english) {
        const chunks = en.split(/\{\w+\}/).map((c) => c.trim().replace(/^[,.;:()“”"]+|[,.;:()“”"]+$/g, '').trim())
        for (const chunk of chunks) {
          const words = chunk.split(/\s+/).filter(Boolean)
          const hit = words.length >= 2 ? chunk.length >= 8 && all.includes(chunk) && !other.includes(chunk) : chunk.length >= 2 && texts.includes(chunk) && !other.split(/\s+/).includes(chunk)
          if (hit) found.push(`"${chunk}" (from "${en.slice(0, 60)}")`)
        }
      }
    }
    const sideways = document.documentElement.scrollWidth > window.innerWidth + 1
      ? [`the page is ${document.documentElement.scrollWidth} px wide in a ${window.innerWidth} px window`]
      : []
    return { cutOff: [...new Set(cutOff)], narrowSelects: [...new Set(narrowSelects)], smallTargets: [...new Set(smallTargets)], english: [...new Set(found)], sideways }
  }, { english, minTarget: MIN_TARGET })
}

/** How much of the window the header covers once the page is scrolled down (it sticks to the top). */
export async function stickyHeaderHeight (page: Page): Promise<number> {
  return await page.evaluate(async () => {
    window.scrollTo(0, document.documentElement.scrollHeight)
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
    const header = document.querySelector('rfam-app')?.shadowRoot?.querySelector('header')
    if (!header) return 0
    const r = header.getBoundingClientRect()
    const seen = Math.max(0, Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0))
    window.scrollTo(0, 0)
    return seen
  })
}
