// A note's words as people wrote them: always text (Lit escapes every part; no markup is ever
// interpreted), with web addresses made into links (http and https only, opened in a new tab) and
// '@ident' of the people the server found mentioned shown as a mention with the person's name.
import { css, html, type TemplateResult } from 'lit'
import { appState } from '../state/app-state.ts'

export interface NotePart {
  kind: 'text' | 'link' | 'mention'
  text: string
}

/** Web addresses: http(s):// up to a space; punctuation that ends a sentence is not part of one. */
const LINK = /https?:\/\/[^\s<>"']+/gi
const TRAILING = /[.,;:!?)\]}'"»”’]+$/
const MENTION = /(^|[^\p{L}\p{N}_@.-])@([a-z0-9][a-z0-9_-]{0,63})/giu

/** Splits a note's text into text, links and mentions (of `mentioned` idents only). */
export function noteParts (text: string, mentioned: readonly string[] = []): NotePart[] {
  const marks: Array<{ at: number, end: number, part: NotePart }> = []
  for (const m of text.matchAll(LINK)) {
    const url = m[0].replace(TRAILING, '')
    marks.push({ at: m.index, end: m.index + url.length, part: { kind: 'link', text: url } })
  }
  const inLink = (i: number) => marks.some((k) => i >= k.at && i < k.end)
  const people = new Set(mentioned)
  for (const m of text.matchAll(MENTION)) {
    const at = m.index + m[1]!.length
    const word = m[2]!.toLowerCase()
    const ident = people.has(word) ? word : word.replace(/[-_]+$/, '')
    if (!people.has(ident) || inLink(at)) continue
    marks.push({ at, end: at + 1 + ident.length, part: { kind: 'mention', text: ident } })
  }
  marks.sort((a, b) => a.at - b.at)
  const parts: NotePart[] = []
  let at = 0
  for (const mark of marks) {
    if (mark.at < at) continue
    if (mark.at > at) parts.push({ kind: 'text', text: text.slice(at, mark.at) })
    parts.push(mark.part)
    at = mark.end
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) })
  return parts
}

/** A note's text as a template: line breaks kept (by the .note-text style), links and mentions live. */
export function noteText (text: string, mentioned: readonly string[] = []): TemplateResult {
  return html`<span class="note-text">${noteParts(text, mentioned).map((part) => {
    if (part.kind === 'link') return html`<a href=${part.text} target="_blank" rel="noopener noreferrer nofollow">${part.text}</a>`
    if (part.kind === 'mention') return html`<span class="mention" title=${appState.userName(part.text)}>@${part.text}</span>`
    return part.text
  })}</span>`
}

export const noteTextStyles = css`
  .note-text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .mention { font-weight: 700; color: var(--rfam-accent); background: var(--rfam-accent-soft); border-radius: 4px; padding: 0 3px; }
`
