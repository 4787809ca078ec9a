// The frames viewer in a dialog over the page (from a job card's "Watch"): the player exists only
// while the dialog is open, so closing it lets go of every picture it loaded.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, query, state } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import type { FrameClip } from './frame-player-timeline.ts'
import './frame-player.ts'

@customElement('rfam-watch-dialog')
export class WatchDialog extends LitElement {
  static override styles = [sharedStyles, css`
    dialog { border: none; border-radius: var(--rfam-radius); box-shadow: var(--rfam-shadow); padding: 16px; width: min(1200px, calc(100vw - 16px)); max-height: calc(100vh - 16px); }
    dialog::backdrop { background: rgb(20 21 31 / 0.7); }
    .top { display: flex; gap: 12px; align-items: center; justify-content: space-between; margin-bottom: 8px; }
    h2 { margin: 0; font-size: 1.15rem; overflow-wrap: anywhere; }
  `]

  @state() private clips: FrameClip[] | null = null
  @state() private heading = ''
  @query('dialog') private dialog!: HTMLDialogElement
  private readonly i18n = new I18nController(this)

  async open (clips: FrameClip[], heading: string): Promise<void> {
    this.clips = clips
    this.heading = heading
    await this.updateComplete
    this.dialog.showModal()
    this.renderRoot.querySelector('rfam-frame-player')?.focus()
  }

  private readonly _closed = (): void => { this.clips = null }

  override render () {
    return html`<dialog aria-labelledby="watch-title" @close=${this._closed}>
      <div class="top">
        <h2 id="watch-title">${this.heading}</h2>
        <button type="button" @click=${() => this.dialog.close()}>${t('player:close')}</button>
      </div>
      ${this.clips ? html`<rfam-frame-player .clips=${this.clips}></rfam-frame-player>` : nothing}
    </dialog>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-watch-dialog': WatchDialog }
}
