// One event of an asset's history as a line of a timeline: who (their face), what in a sentence, when,
// and for a note its words (note-text.ts), its picture and the frame it points at ('no longer there'
// when the frame's file is gone). Used by the asset page's timeline, Home's latest note and the Team
// page's 'today'. A template function: a timeline of a thousand events stays light.
import { css, html, nothing, type TemplateResult } from 'lit'
import type { HistoryEvent, HistoryValue } from '../../../schemas/generated/types.ts'
import { format, t } from '../controllers/i18n.ts'
import { urls } from '../api/urls.ts'
import { appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { face } from './face.ts'
import { noteText } from './note-text.ts'
import { priorityLabel } from './priority.ts'

const list = (value: HistoryValue | undefined): string[] => (Array.isArray(value) ? value : [])

/** A field's value in words: names of states, types and people, not their idents. */
function shown (kind: HistoryEvent['kind'], value: HistoryValue | undefined): string {
  if (kind === 'state' && typeof value === 'string') return appState.stateName(value)
  if (kind === 'type' && typeof value === 'string') return appState.typeName(value)
  if (kind === 'owner') return typeof value === 'string' ? appState.userName(value) : t('history:nobody')
  if (kind === 'priority' && typeof value === 'number') return priorityLabel(appState.defaults?.priority, value)
  if (kind === 'helpers') return list(value).length > 0 ? list(value).map((u) => appState.userName(u)).join(', ') : t('history:nobody')
  if (kind === 'dependencies') return list(value).length > 0 ? list(value).join(', ') : t('history:nothing')
  return value === null || value === undefined ? '' : String(value)
}

/** What happened, as a sentence after the person's name. */
export function whatHappened (event: HistoryEvent): string {
  const from = shown(event.kind, event.from)
  const to = shown(event.kind, event.to)
  const render = event.render?.name ?? ''
  switch (event.kind) {
    case 'note': return t('history:note')
    case 'created': return t('history:created')
    case 'name': return t('history:name', { from, to })
    case 'description': return t('history:description')
    case 'type': return t('history:type', { from, to })
    case 'state': return t('history:state', { from, to })
    case 'owner': return event.to ? t('history:owner', { to }) : t('history:owner-none', { from })
    case 'priority': return t('history:priority', { from, to })
    case 'helpers': return t('history:helpers', { to })
    case 'dependencies': return t('history:dependencies', { to })
    case 'checkpoint': return t('history:checkpoint', { file: event.checkpoint ?? '' })
    case 'deleted': return t('history:deleted', { file: event.checkpoint ?? '' })
    case 'render':
      if (event.to === 'queued') return t('history:render-sent', { render, start: event.render?.frameStart ?? '', end: event.render?.frameEnd ?? '' })
      if (event.to === 'completed') return t('history:render-done', { render })
      if (event.to === 'failed') return t('history:render-failed', { render })
      return t('history:render-cancelled', { render })
  }
}

/** Not a person: the farm ending a render ('farm'), sending an automatic one ('auto'), or RFAM itself. */
const SYSTEM = new Set(['farm', 'auto', 'rfam'])
const isSystem = (by: string) => SYSTEM.has(by) && !appState.user(by)

/** Who did it: a person's name, or the render farm. */
const whoName = (by: string) => (isSystem(by) ? t('history:farm') : appState.userName(by))

function noteBody (event: HistoryEvent, path: string): TemplateResult {
  const project = appState.project ?? ''
  const frame = event.frame
  return html`
    ${event.text ? html`<p class="note-words">${noteText(event.text, event.mentions ?? [])}</p>` : nothing}
    ${event.picture
      ? html`<a class="note-picture" href=${urls.getNotePicture({ project, path }, { picture: event.picture })} target="_blank" rel="noopener">
        <img src=${urls.getNotePicture({ project, path }, { picture: event.picture })} alt=${t('notes:picture-of', { name: whoName(event.by) })} loading="lazy" decoding="async"></a>`
      : nothing}
    ${frame
      ? frame.gone
        ? html`<p class="frame gone">${t('notes:frame-gone', { frame: frame.frame, render: frame.render ?? '' })}</p>`
        : html`<figure class="frame">
          <a href=${urls.getNoteFrame({ project, path }, { note: event.id })} target="_blank" rel="noopener">
            <img src=${urls.getNoteFrame({ project, path }, { note: event.id })} alt=${t('notes:frame-of', { frame: frame.frame, render: frame.render ?? '' })} loading="lazy" decoding="async"></a>
          <figcaption>${t('notes:frame-of', { frame: frame.frame, render: frame.render ?? '' })}</figcaption>
        </figure>`
      : nothing}`
}

export interface EntryOptions {
  /** The asset's name, linked to its page (the project-wide 'today'). */
  assetName?: string
  /** Where the asset's page link comes back to. */
  from?: string
}

/** One event as a list item. */
export function historyEntry (event: HistoryEvent, path: string, options: EntryOptions = {}): TemplateResult {
  const system = isSystem(event.by)
  const forMe = event.mentions?.includes(appState.me?.ident ?? '') === true
  return html`<li class="event ${event.kind} ${forMe ? 'for-me' : ''}" data-kind=${event.kind}>
    ${system ? html`<span class="face farm" style="--size:36px" aria-hidden="true">⚙</span>` : face(appState.user(event.by), 36, true)}
    <div class="body">
      <div class="line"><strong>${whoName(event.by)}</strong> ${whatHappened(event)}${options.assetName !== undefined
        ? html` · <a class="asset" href=${assetHref(path, options.from)}>${options.assetName || path}</a>`
        : nothing}</div>
      <time class="muted" datetime=${event.at}>${format.dateTime(event.at)}</time>
      ${event.kind === 'note' ? noteBody(event, path) : nothing}
      ${event.kind === 'description' && typeof event.to === 'string' && event.to !== ''
        ? html`<p class="note-words"><span class="note-text">${event.to}</span></p>`
        : nothing}
    </div>
  </li>`
}

export const historyStyles = css`
  ol.timeline { list-style: none; margin: 0; padding: 0; }
  ol.timeline > li.event { display: flex; gap: 10px; align-items: flex-start; padding: 10px 0; border-top: 1px solid var(--rfam-border); }
  ol.timeline > li.event:first-child { border-top: none; }
  li.event .body { min-width: 0; flex: 1; }
  li.event .line { overflow-wrap: anywhere; }
  li.event time { font-size: 0.85rem; display: block; }
  li.event.note .line strong { color: var(--rfam-accent); }
  /* A note that names the reader: marked, so it stands out in a long timeline. */
  ol.timeline > li.event.for-me { border-left: 4px solid var(--rfam-accent); padding-left: 8px; background: var(--rfam-accent-soft); }
  .note-words { margin: 6px 0 0; }
  .note-picture img, .frame img { display: block; max-width: min(100%, 480px); max-height: 360px; margin-top: 6px; border-radius: var(--rfam-radius-small); border: 1px solid var(--rfam-border); }
  figure.frame { margin: 0; }
  figure.frame figcaption { font-size: 0.85rem; color: var(--rfam-muted); }
  .frame.gone { color: var(--rfam-muted); font-style: italic; margin: 6px 0 0; }
  .face.farm { display: inline-flex; align-items: center; justify-content: center; width: var(--size); height: var(--size); flex: none; border-radius: 50%; background: var(--rfam-surface-2); font-size: 1.2rem; }
`
