// One asset as a row of the asset table: its picture and name (a link to its page), type, and owner, state and
// priority that can be changed in place, each with its own saved / saving / failed mark. A template
// function rather than an element: a thousand rows in one shadow root cost a fraction of a thousand
// elements with a shadow root (and style sheets) each. Each select starts with only its current choice;
// the table fills in the others when someone reaches for it (focus, pointer, key), which keeps twenty
// thousand <option>s out of a thousand-row table.
import { css, html, nothing, type TemplateResult } from 'lit'
import type { AssetSummary, PriorityScheme } from '../../../schemas/generated/types.ts'
import type { SaveStatus } from '../controllers/save-controller.ts'
import { t } from '../controllers/i18n.ts'
import { appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { saveMarkLabel } from './save-mark.ts'
import { nobodyPicture } from './face.ts'
import { priorityLabel } from './priority.ts'
import { thumbnail } from './thumbnail.ts'
import { humanDuration } from './charts/durations.ts'

export type RowField = 'owner' | 'state' | 'priority'

/** The current choice of each select, shown until the select is opened. */
export interface RowChoices { owner: string, state: string, priority: string }

export interface RowContext {
  /** Page the asset's page leads back to. */
  from: string
  showPriority: boolean
  /** A column with the render time: the whole range estimated, and a frame. */
  showRenderTime: boolean
  mark: (path: string, field: RowField) => { status: SaveStatus, message: string }
  /** Values chosen and still being saved, by field. */
  pending: (path: string, field: RowField) => string | undefined
}

export function assetRow (asset: AssetSummary, ctx: RowContext): TemplateResult | typeof nothing {
  const meta = asset.meta
  if (!meta) return nothing
  const name = meta.name
  const scheme = appState.defaults?.priority
  // One flat template per row (no nested templates for marks or faces): a thousand rows stay cheap.
  const owner = ctx.mark(asset.path, 'owner')
  const state = ctx.mark(asset.path, 'state')
  const ownerLabel = saveMarkLabel(owner.status, owner.message)
  const stateLabel = saveMarkLabel(state.status, state.message)
  const person = appState.user(meta.owner)
  const ownerValue = ctx.pending(asset.path, 'owner') ?? meta.owner ?? ''
  const stateValue = ctx.pending(asset.path, 'state') ?? meta.state
  const ownerName = ownerValue === '' ? t('user:nobody') : appState.userName(ownerValue)
  // Line breaks sit inside tags, never between them: whitespace between tags would add a text node per
  // gap to each of a thousand rows.
  return html`<div class="asset-row asset-grid" role="row" data-path=${asset.path}
    ><div class="name" role="cell"
      >${thumbnail(asset, 44)}<div class="name-text"
        ><a href=${assetHref(asset.path, ctx.from)}>${name}</a
        ><span class="path">${asset.path}<span class="small-type"> · ${appState.typeName(meta.type)}</span></span
      ></div
    ></div
    ><div class="cell type" role="cell">${appState.typeName(meta.type)}</div
    ><div class="cell owner" role="cell"
      ><img class="face" src=${person?.picture ?? nobodyPicture} alt="" width="32" height="32" style="--size:32px" loading="lazy" decoding="async"
      ><select name="owner" aria-label=${t('asset:owner-of', { name })}><option value=${ownerValue} selected>${ownerName}</option></select
      ><span class="save-mark ${owner.status}" role="status" title=${ownerLabel} data-status=${owner.status}
        ><span class="visually-hidden">${ownerLabel}</span></span
    ></div
    ><div class="cell" role="cell"
      ><select name="state" aria-label=${t('asset:state-of', { name })}><option value=${stateValue} selected>${appState.stateName(stateValue)}</option></select
      ><span class="save-mark ${state.status}" role="status" title=${stateLabel} data-status=${state.status}
        ><span class="visually-hidden">${stateLabel}</span></span
    ></div
    >${ctx.showPriority && scheme ? priorityCell(asset, ctx, scheme, name) : nothing
    }${ctx.showRenderTime ? renderTimeCell(asset) : nothing}</div>`
}

/** The whole render (estimated) and a frame, or a dash for a file never rendered. */
function renderTimeCell (asset: AssetSummary): TemplateResult {
  const time = asset.renderTime
  if (!time) return html`<div class="cell render-time none" role="cell" title=${t('rtime:never')}>–<span class="visually-hidden">${t('rtime:never')}</span></div>`
  return html`<div class="cell render-time" role="cell"
    ><span class="whole">${humanDuration(time.estimateSeconds)}<span class="visually-hidden"> ${t('rtime:whole')}</span></span
    ><span class="mean">${humanDuration(time.meanSeconds)} ${t('rtime:per-frame')}</span
  ></div>`
}

function priorityCell (asset: AssetSummary, ctx: RowContext, scheme: PriorityScheme, name: string): TemplateResult {
  const value = ctx.pending(asset.path, 'priority') ?? String(asset.meta!.priority)
  const mark = ctx.mark(asset.path, 'priority')
  const label = saveMarkLabel(mark.status, mark.message)
  const boosted = asset.truePriority > asset.meta!.priority
  const control = (scheme.names ?? []).length > 0
    ? html`<select name="priority" aria-label=${t('asset:priority-of', { name })}><option value=${value} selected>${priorityLabel(scheme, Number(value))}</option></select>`
    : html`<input name="priority" type="number" min=${scheme.low} max=${scheme.high} step="any" aria-label=${t('asset:priority-of', { name })}>`
  return html`<div class="cell" role="cell"
    >${control}<span class="save-mark ${mark.status}" role="status" title=${label} data-status=${mark.status}
      ><span class="visually-hidden">${label}</span></span
    ><span class="boost" ?hidden=${!boosted} title=${boosted ? t('priority:boosted', { value: priorityLabel(scheme, asset.truePriority) }) : ''}>↑ ${t('priority:boost-short')}</span
  ></div>`
}

export const assetRowStyles = css`
  .asset-row {
    border-bottom: 1px solid var(--rfam-surface-2); padding: 8px 12px;
    content-visibility: auto; contain-intrinsic-size: auto 62px;
  }
  .asset-row:hover { background: #fafaff; }
  .asset-row .name { display: flex; align-items: center; gap: 10px; min-width: 0; }
  .asset-row .name-text { min-width: 0; }
  .asset-row .name a { font-weight: 600; overflow-wrap: anywhere; }
  .asset-row .name .path { display: block; font-size: 0.8rem; color: var(--rfam-muted); overflow-wrap: anywhere; }
  .asset-row .cell { display: flex; align-items: center; gap: 6px; min-width: 0; }
  .asset-row select, .asset-row input { flex: 1; min-width: 0; }
  .asset-row .type { color: var(--rfam-muted); display: block; overflow-wrap: anywhere; hyphens: auto; }
  .asset-row .boost { font-size: 0.8rem; color: var(--rfam-accent); font-weight: 600; white-space: nowrap; }
  .asset-row .render-time { display: block; font-variant-numeric: tabular-nums; }
  .asset-row .render-time .whole { display: block; font-weight: 600; }
  .asset-row .render-time .mean { display: block; font-size: 0.8rem; color: var(--rfam-muted); }
  .asset-row .render-time.none { color: var(--rfam-muted); }
  .small-type { display: none; }
  @media (max-width: 1100px) {
    .asset-row { padding: 12px; contain-intrinsic-size: auto 170px; }
    .small-type { display: inline; }
    .asset-row .type { display: none; }
  }
`
