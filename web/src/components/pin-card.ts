// A person's PIN, for staff on the person's profile: give one (or a new one, when it was forgotten) or
// remove it. The server makes the PIN and answers it once; it is shown here until the page is left,
// big enough to read out or copy, and is never shown again (only its hash is kept).
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { PublicUser } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { BusyController } from '../controllers/busy-controller.ts'
import { api } from '../api/routes.ts'
import { appState } from '../state/app-state.ts'

@customElement('rfam-pin-card')
export class PinCard extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .pin { font-family: var(--rfam-mono); font-size: 2rem; font-weight: 700; letter-spacing: 0.2em; margin: 8px 0; }
    .shown { border-left: 6px solid var(--rfam-ok); background: var(--rfam-ok-soft); padding: 10px 14px; border-radius: 8px; margin: 12px 0; }
  `]

  /** The person whose PIN it is. */
  @property({ attribute: false }) person?: PublicUser
  @state() private pin = ''
  private readonly i18n = new I18nController(this)
  private readonly action = new BusyController(this)

  private run (action: () => Promise<PublicUser>): Promise<void> {
    return this.action.run(async () => { appState.replaceUser(await action()) })
  }

  private _give = () => this.run(async () => {
    const answer = await api.giveUserPin({ user: this.person!.ident })
    this.pin = answer.pin
    return answer.user
  })

  private _remove = () => this.run(async () => {
    this.pin = ''
    return api.removeUserPin({ user: this.person!.ident })
  })

  override render () {
    const person = this.person
    if (!person) return nothing
    return html`
      <p>${person.hasSecret ? t('pin:has', { name: person.name }) : t('pin:none', { name: person.name })}</p>
      ${this.pin
        ? html`<div class="shown" role="status">
            <p>${t('pin:new', { name: person.name })}</p>
            <p class="pin">${this.pin}</p>
            <p>${t('pin:once')}</p>
          </div>`
        : nothing}
      <div class="row">
        <button type="button" class="primary" ?disabled=${this.action.busy} @click=${this._give}>${person.hasSecret ? t('pin:reset') : t('pin:give')}</button>
        ${person.hasSecret ? html`<button type="button" class="danger" ?disabled=${this.action.busy} @click=${this._remove}>${t('pin:remove')}</button>` : nothing}
      </div>
      <p class="muted">${t('pin:hint')}</p>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-pin-card': PinCard }
}
