// Messages that pop up at the bottom of the screen: errors from the server (with its sentence, staying
// until closed) and short confirmations (fading after a few seconds). Anything can raise one through
// showToast(); the app shell holds the single <rfam-toast> that shows them. A toast never covers what it
// talks about: the element it is about (by default the one in use when it was raised) stays in sight,
// the toasts moving to the top of the screen when that element is near the bottom.
import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'

export type ToastKind = 'error' | 'info'
interface Toast { id: number, message: string, kind: ToastKind }

const toastEvent = 'rfam-toast'

interface ToastDetail { message: string, kind: ToastKind, about: Element | null }

/** The element in use now (focus followed into shadow roots), which a toast raised now is about. */
function elementInUse (): Element | null {
  let el = document.activeElement
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
  return el === document.body ? null : el
}

/** Shows a message; `about`: the element it talks about, kept uncovered (default: the one in use). */
export function showToast (message: string, kind: ToastKind = 'info', about: Element | null = elementInUse()): void {
  window.dispatchEvent(new CustomEvent<ToastDetail>(toastEvent, { detail: { message, kind, about } }))
}

@customElement('rfam-toast')
export class RfamToast extends LitElement {
  static override styles = [sharedStyles, css`
    :host {
      position: fixed; z-index: 50; left: 50%; bottom: 16px; transform: translateX(-50%);
      display: flex; flex-direction: column; gap: 8px; width: min(560px, calc(100vw - 24px));
    }
    :host([place='top']) { bottom: auto; top: 16px; }
    .toast {
      display: flex; align-items: center; gap: 12px; padding: 10px 10px 10px 16px;
      border-radius: var(--rfam-radius); box-shadow: var(--rfam-shadow); font-weight: 500;
      background: var(--rfam-text); color: #fff;
    }
    .toast.error { background: var(--rfam-error); }
    .toast p { margin: 0; flex: 1; overflow-wrap: anywhere; }
    .toast button { color: #fff; border-color: rgb(255 255 255 / 0.7); background: transparent; min-width: var(--rfam-touch); }
  `]

  private readonly i18n = new I18nController(this)
  @state() private toasts: Toast[] = []
  /** Where the toasts stand: at the bottom, or at the top while the bottom would cover what they are about. */
  @property({ reflect: true }) place: 'bottom' | 'top' = 'bottom'
  /** What the latest toast is about. */
  private about: Element | null = null
  private nextId = 1
  private readonly onToast = (event: Event): void => {
    const { message, kind, about } = (event as CustomEvent<ToastDetail>).detail
    // The same error twice in a row (say, three fields failing for one reason) shows once.
    if (this.toasts.some((toast) => toast.message === message)) return
    this.about = about
    this.place = 'bottom'
    const toast = { id: this.nextId++, message, kind }
    this.toasts = [...this.toasts.slice(-3), toast]
    if (kind === 'info') setTimeout(() => this.dismiss(toast.id), 4000)
  }

  override connectedCallback (): void {
    super.connectedCallback()
    window.addEventListener(toastEvent, this.onToast)
  }

  override disconnectedCallback (): void {
    window.removeEventListener(toastEvent, this.onToast)
    super.disconnectedCallback()
  }

  private dismiss (id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id)
  }

  /** At the bottom the toasts would cover what they are about: they go to the top instead. */
  protected override updated (): void {
    if (this.place !== 'bottom' || !this.about?.isConnected || this.toasts.length === 0) return
    const about = this.about.getBoundingClientRect()
    const me = this.getBoundingClientRect()
    if (about.bottom > me.top && about.top < me.bottom && about.right > me.left && about.left < me.right) this.place = 'top'
  }

  override render () {
    return html`${repeat(this.toasts, (toast) => toast.id, (toast) => html`
      <div class="toast ${toast.kind}" role=${toast.kind === 'error' ? 'alert' : 'status'}>
        <p>${toast.message}</p>
        <button type="button" @click=${() => this.dismiss(toast.id)} aria-label=${t('action:close')}>✕</button>
      </div>`)}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-toast': RfamToast }
}
