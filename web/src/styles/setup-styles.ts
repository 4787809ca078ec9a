// Styles the class set-up pages share (Add people, Pictures): a result table that scrolls sideways on a
// phone rather than cutting text off, coloured lines by outcome, and the summary above it.
import { css } from 'lit'

export const setupStyles = css`
  section.card { margin-bottom: 20px; }
  .scroll { overflow-x: auto; margin-bottom: 14px; }
  table { border-collapse: collapse; width: 100%; min-width: 36rem; }
  th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--rfam-surface-2); vertical-align: top; overflow-wrap: break-word; }
  th { font-size: 0.9rem; color: var(--rfam-muted); white-space: nowrap; }
  tr.refused td, tr.skipped td { background: var(--rfam-warn-soft); }
  tr.refused strong { color: var(--rfam-error); }
  tr.create strong, tr.join strong, tr.save strong, tr.saved strong { color: var(--rfam-ok); }
  .summary { font-weight: 600; padding: 10px 12px; border-radius: 8px; }
  .summary.ok { background: var(--rfam-ok-soft); }
  .summary.warn { background: var(--rfam-warn-soft); }
  .error { color: var(--rfam-error); font-weight: 600; }
  input[type='file'] { min-height: var(--rfam-touch); padding: 8px; width: 100%; max-width: 32rem; }
  td img { width: 48px; height: 48px; border-radius: 50%; object-fit: cover; display: block; }
`
