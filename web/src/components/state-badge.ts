// A state as a coloured pill: grey before work starts, blue while in progress, green when the state
// means done. Colours are paired with the state's name, never used alone.
import { css, html, type TemplateResult } from 'lit'
import { appState } from '../state/app-state.ts'

export function stateTone (ident: string): 'start' | 'work' | 'usable' | 'done' {
  const state = appState.state(ident)
  if (state?.done) return 'done'
  if (state?.render) return 'usable'
  const type = appState.defaults?.types.find((t) => t.states.includes(ident))
  return type && type.states[0] === ident ? 'start' : 'work'
}

export function stateBadge (ident: string): TemplateResult {
  return html`<span class="badge ${stateTone(ident)}">${appState.stateName(ident)}</span>`
}

export const stateBadgeStyles = css`
  .badge {
    display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 0.85rem; font-weight: 600;
    white-space: nowrap; border: 1px solid transparent;
  }
  .badge.start { background: var(--rfam-surface-2); color: var(--rfam-muted); border-color: var(--rfam-border); }
  .badge.work { background: var(--rfam-accent-soft); color: var(--rfam-accent); }
  .badge.usable { background: var(--rfam-warn-soft); color: var(--rfam-warn); }
  .badge.done { background: var(--rfam-ok-soft); color: var(--rfam-ok); }
  .badge.broken { background: var(--rfam-error-soft); color: var(--rfam-error); }
`
