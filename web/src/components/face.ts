// A person's face: their picture (the server sends a generated avatar when they have none), round, with
// their name as the text alternative. A template function so long lists stay light.
import { css, html, type TemplateResult } from 'lit'
import type { PublicUser } from '../../../schemas/generated/types.ts'
import { t } from '../controllers/i18n.ts'

export function face (user: PublicUser | undefined, size = 40, decorative = false): TemplateResult {
  if (!user) {
    return html`<span class="face nobody" style="--size:${size}px" role=${decorative ? 'presentation' : 'img'}
      aria-label=${decorative ? '' : t('user:nobody')}>?</span>`
  }
  return html`<img class="face" src=${user.picture} alt=${decorative ? '' : user.name} title=${user.name}
    width=${size} height=${size} style="--size:${size}px" loading="lazy" decoding="async">`
}

/** A neutral picture for "nobody", for places that always show an <img>. */
export const nobodyPicture = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#eceef6"/>' +
  '<text x="32" y="43" font-family="sans-serif" font-size="30" font-weight="700" text-anchor="middle" fill="#4a4d63">?</text></svg>')

export const faceStyles = css`
  .face {
    width: var(--size); height: var(--size); flex: none; border-radius: 50%; object-fit: cover;
    background: var(--rfam-surface-2); border: 2px solid var(--rfam-surface); box-shadow: 0 0 0 1px var(--rfam-border);
    vertical-align: middle;
  }
  .face.nobody {
    display: inline-flex; align-items: center; justify-content: center; color: var(--rfam-muted);
    font-weight: 700; font-size: calc(var(--size) * 0.45);
  }
  .faces { display: inline-flex; flex-wrap: wrap; gap: 4px; align-items: center; }
`
