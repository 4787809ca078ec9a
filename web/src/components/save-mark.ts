// The small mark beside an inline edit: a spinner while saving, a tick once saved, a cross (with the
// reason on hover and for screen readers) when saving failed. A template function, not an element, so a
// table of a thousand rows does not pay for three thousand extra shadow roots.
import { css, html, nothing, type TemplateResult } from 'lit'
import type { SaveStatus } from '../controllers/save-controller.ts'
import { t } from '../controllers/i18n.ts'

/** What a mark says: nothing while idle, then saving, saved, or not saved with the reason. */
export function saveMarkLabel (status: SaveStatus, message = ''): string {
  if (status === 'idle') return ''
  return status === 'saving' ? t('save:saving') : status === 'saved' ? t('save:saved') : t('save:failed', { message })
}

export function saveMark (status: SaveStatus, message = ''): TemplateResult | typeof nothing {
  if (status === 'idle') return html`<span class="save-mark" aria-hidden="true"></span>`
  const label = saveMarkLabel(status, message)
  return html`<span class="save-mark ${status}" role="status" title=${label} data-status=${status}
    ><span class="visually-hidden">${label}</span></span>`
}

export const saveMarkStyles = css`
  .save-mark {
    display: inline-block; flex: none; width: 20px; height: 20px; border-radius: 50%;
    position: relative; vertical-align: middle;
  }
  .save-mark.saving { border: 3px solid var(--rfam-border); border-top-color: var(--rfam-accent); animation: rfam-spin 0.8s linear infinite; }
  .save-mark.saved { background: var(--rfam-ok); }
  .save-mark.saved::after {
    content: ''; position: absolute; left: 7px; top: 3px; width: 5px; height: 10px;
    border: solid #fff; border-width: 0 3px 3px 0; transform: rotate(45deg);
  }
  .save-mark.failed { background: var(--rfam-error); }
  .save-mark.failed::before, .save-mark.failed::after {
    content: ''; position: absolute; left: 9px; top: 4px; width: 3px; height: 12px; background: #fff; border-radius: 1px;
  }
  .save-mark.failed::before { transform: rotate(45deg); }
  .save-mark.failed::after { transform: rotate(-45deg); }
  @keyframes rfam-spin { to { transform: rotate(360deg); } }
`
