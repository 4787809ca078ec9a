// An asset's picture: the preview Blender stored in its .blend, or a shot's latest rendered frame (the
// server says which assets have one with a `thumbnail` tag, so no page asks for a picture that is not
// there), otherwise an icon of its type. Always an <img> of the size asked for, width and height set, so
// nothing moves when the picture arrives; loaded only when it scrolls into view; the asset's name as its
// text. `thumbnail()` is the template, for long lists (the asset table: a thousand rows, no shadow root
// each); `<rfam-thumbnail>` the element, for pages showing one.
import { LitElement, css, html, type TemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { urls } from '../api/urls.ts'
import { appState, AppStateController } from '../state/app-state.ts'

/** What a picture needs of an asset: its summary or its view. */
export interface Pictured {
  path: string
  thumbnail?: string
  meta?: { name: string, type: string }
}

const OUTLINE = 'fill="none" stroke="#4a4d63" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"'
/** A glyph per type of the default sets (64 × 64, on a light square); other types get their first letter. */
const GLYPHS: Record<string, string> = {
  char: '<circle cx="32" cy="24" r="9" fill="#4a4d63"/><path d="M15 51c0-10 8-16 17-16s17 6 17 16z" fill="#4a4d63"/>',
  prop: `<g ${OUTLINE}><path d="M32 13 50 23v20L32 53 14 43V23z"/><path d="M14 23l18 10 18-10M32 33v20"/></g>`,
  set: `<g ${OUTLINE}><path d="M12 31 32 14l20 17"/><path d="M17 27v23h30V27"/><path d="M28 50V38h8v12"/></g>`,
  shot: `<g ${OUTLINE}><rect x="12" y="28" width="40" height="22" rx="2"/><path d="M12 28l-1-8 39-6 2 8"/><path d="M22 18l5 7M34 16l5 7"/></g>`,
  mat: '<circle cx="32" cy="33" r="18" fill="#4a4d63"/><circle cx="25" cy="26" r="5" fill="#eceef6"/>',
  ani: `<circle cx="42" cy="20" r="8" fill="#4a4d63"/><path d="M10 52q8-26 20-24M18 52q6-16 14-16" ${OUTLINE}/>`,
  comp: `<g ${OUTLINE}><path d="M32 14 52 24 32 34 12 24z"/><path d="M12 32l20 10 20-10M12 40l20 10 20-10"/></g>`,
  video: `<g ${OUTLINE}><rect x="12" y="14" width="40" height="36" rx="2"/><path d="M20 14v36M44 14v36M12 26h8M12 38h8M44 26h8M44 38h8"/></g>`,
  other: `<g ${OUTLINE}><path d="M18 12h20l10 10v30H18z"/><path d="M38 12v10h10M24 32h16M24 40h16"/></g>`,
}

const icons = new Map<string, string>()

/** The icon of a type, as a data URL (made once per type and letter). */
export function typeIcon (type: string): string {
  const letter = (appState.typeName(type).trim()[0] ?? '?').toUpperCase().replace(/[<&>"']/g, '?')
  let url = icons.get(`${type}|${letter}`)
  if (url === undefined) {
    const glyph = GLYPHS[type] ??
      `<text x="32" y="44" font-family="sans-serif" font-size="32" font-weight="700" text-anchor="middle" fill="#4a4d63">${letter}</text>`
    url = 'data:image/svg+xml,' + encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="8" fill="#eceef6"/>${glyph}</svg>`)
    icons.set(`${type}|${letter}`, url)
  }
  return url
}

/** The picture's address, or undefined when the asset has none. */
export function thumbnailUrl (asset: Pictured): string | undefined {
  const project = appState.project
  return asset.thumbnail !== undefined && project !== undefined ? urls.getThumbnail({ project, path: asset.path }, { v: asset.thumbnail }) : undefined
}

/** A picture the server had no more (a render's preview removed since the list came): the type's icon instead. */
function fallBack (event: Event): void {
  const img = event.currentTarget as HTMLImageElement
  const icon = typeIcon(img.dataset.type ?? '')
  if (img.src !== icon) img.src = icon
}

/** The picture as a template: an <img class="thumbnail"> of `size` CSS pixels. */
export function thumbnail (asset: Pictured, size: number): TemplateResult {
  const type = asset.meta?.type ?? ''
  return html`<img class="thumbnail" src=${thumbnailUrl(asset) ?? typeIcon(type)} alt=${asset.meta?.name ?? asset.path}
    width=${size} height=${size} loading="lazy" decoding="async" data-type=${type} data-picture=${asset.thumbnail === undefined ? 'icon' : 'thumbnail'}
    @error=${fallBack}>`
}

export const thumbnailStyles = css`
  img.thumbnail {
    flex: none; object-fit: contain; border-radius: var(--rfam-radius-small); vertical-align: middle;
    background: var(--rfam-surface-2); box-shadow: 0 0 0 1px var(--rfam-border);
  }
`

/** One asset's picture, for pages that show one or a few. */
@customElement('rfam-thumbnail')
export class Thumbnail extends LitElement {
  static override styles = [thumbnailStyles, css`:host { display: inline-block; line-height: 0; }`]

  /** The asset (its summary or view): its path, its `thumbnail` tag and its name and type. */
  @property({ attribute: false }) asset?: Pictured
  /** Width and height in CSS pixels. */
  @property({ type: Number }) size = 64

  private readonly appStateController = new AppStateController(this)

  override render () {
    return this.asset ? thumbnail(this.asset, this.size) : html``
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-thumbnail': Thumbnail }
}
