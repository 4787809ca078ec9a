// A person's profile: their picture (which they, or staff, can replace), their name and their language;
// for them and for staff, where they are logged in.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t } from '../controllers/i18n.ts'
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { face, faceStyles } from '../components/face.ts'
import '../components/inline-text.ts'
import '../components/picture-upload.ts'
import '../components/language-switcher.ts'
import '../components/session-list.ts'
import '../components/pin-card.ts'
import '../components/addon-setup.ts'

@customElement('rfam-profile-page')
export class ProfilePage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, css`
    .card { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
    .details { flex: 1 1 280px; min-width: 0; }
    .staff { color: var(--rfam-accent); font-weight: 700; }
    section.card { display: block; margin-top: 16px; }
  `]

  /** Ident of the person shown. */
  @property() user = ''
  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)

  private _saveName = async (name: string): Promise<void> => {
    appState.replaceUser(await api.updateUser({ user: this.user }, { name }))
  }

  private _upload = async (file: File): Promise<void> => {
    appState.replaceUser(await api.setUserPicture({ user: this.user }, file))
  }

  override render () {
    const person = appState.user(this.user)
    const me = appState.me
    if (!person) return html`<div class="card"><p>${t('profile:unknown')}</p></div>`
    const mine = me?.ident === person.ident
    const canEdit = mine || me?.staff === true
    return html`
      <div class="page-head"><h1>${mine ? t('profile:title') : person.name}</h1></div>
      <div class="card">
        ${face(person, 160)}
        <div class="details">
          ${person.staff ? html`<p class="staff">${t('login:staff')}</p>` : nothing}
          ${canEdit
            ? html`<rfam-inline-text label=${t('profile:name')} required .value=${person.name} .save=${this._saveName}></rfam-inline-text>
                <rfam-picture-upload label=${t('profile:picture')} .upload=${this._upload}></rfam-picture-upload>`
            : html`<p>${person.name}</p>`}
          ${mine
            ? html`<div class="field"><span>${t('profile:language')}</span>
            <rfam-language-switcher persist></rfam-language-switcher>
            <span class="hint">${t('profile:language-hint', { language: i18n.name })}</span></div>`
            : nothing}
        </div>
      </div>
      ${canEdit
        ? html`<section class="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">${t('sessions:title')}</h2>
        <rfam-session-list .user=${person.ident} .name=${person.name}></rfam-session-list>
      </section>`
        : nothing}
      ${me?.staff === true
        ? html`<section class="card" aria-labelledby="pin-heading">
        <h2 id="pin-heading">${t('pin:title')}</h2>
        <rfam-pin-card .person=${person}></rfam-pin-card>
      </section>`
        : nothing}
      ${mine ? html`<rfam-addon-setup></rfam-addon-setup>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-profile-page': ProfilePage }
}
