// A modal question with two buttons, built on <dialog> (focus trapped, Escape cancels). ask() resolves
// true when the person confirms.
import { LitElement, css, html } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'

@customElement('rfam-confirm-dialog')
export class ConfirmDialog extends LitElement {
  static override styles = [sharedStyles, css`
    dialog {
      border: none; border-radius: var(--rfam-radius); box-shadow: var(--rfam-shadow);
      padding: 20px; width: min(440px, calc(100vw - 24px));
    }
    dialog::backdrop { background: rgb(20 21 31 / 0.45); }
    .buttons { display: flex; flex-wrap: wrap; gap: 10px; justify-content: flex-end; margin-top: 16px; }
  `]

  @property() heading = ''
  @property() message = ''
  @property({ attribute: 'confirm-label' }) confirmLabel = ''
  @property({ attribute: 'cancel-label' }) cancelLabel = ''
  @query('dialog') private dialog!: HTMLDialogElement
  private resolve?: (ok: boolean) => void

  async ask (): Promise<boolean> {
    await this.updateComplete
    this.dialog.showModal()
    return await new Promise<boolean>((resolve) => { this.resolve = resolve })
  }

  private _close (ok: boolean): void {
    this.dialog.close()
    this.resolve?.(ok)
    this.resolve = undefined
  }

  override render () {
    // A modal <dialog> focuses its autofocus element when it opens (the HTML spec's dialog focusing
    // steps): Cancel, the safe answer. lit-a11y's rule is about pages, where autofocus skips content.
    /* eslint-disable lit-a11y/no-autofocus */
    return html`<dialog aria-labelledby="heading" @cancel=${() => this._close(false)}>
      <h2 id="heading">${this.heading}</h2>
      <p>${this.message}</p>
      <div class="buttons">
        <button type="button" @click=${() => this._close(false)} autofocus>${this.cancelLabel}</button>
        <button type="button" class="danger" @click=${() => this._close(true)}>${this.confirmLabel}</button>
      </div>
    </dialog>`
    /* eslint-enable lit-a11y/no-autofocus */
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-confirm-dialog': ConfirmDialog }
}
