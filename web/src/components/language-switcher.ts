// Picks the language of the pages. Logged in, the choice is stored with the person (PATCH /api/users/:me)
// so it follows them to any computer; on the log-in page it only changes this browser's pages.
import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { LanguageList } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { appState } from '../state/app-state.ts'
import { showToast } from './toast.ts'

let languages: Promise<LanguageList> | undefined

@customElement('rfam-language-switcher')
export class LanguageSwitcher extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: inline-flex; align-items: center; gap: 6px; }
    select { min-width: max-content; border-color: var(--rfam-border); }
    .globe { width: 22px; height: 22px; fill: none; stroke: var(--rfam-muted); stroke-width: 1.6; flex: none; }
  `]

  /** Store the choice with the logged-in person. */
  @property({ type: Boolean }) persist = false
  @state() private choices: LanguageList = []
  private readonly i18n = new I18nController(this)

  override connectedCallback (): void {
    super.connectedCallback()
    languages ??= api.listLanguages()
    languages.then((list) => { this.choices = list }, () => { languages = undefined })
  }

  private async _change (event: Event): Promise<void> {
    const code = (event.target as HTMLSelectElement).value
    try {
      await i18n.use(code)
      const me = appState.session?.user.ident
      if (this.persist && me) {
        appState.replaceUser(await api.updateUser({ user: me }, { language: code }))
      }
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  override render () {
    return html`<svg class="globe" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="9.5"/>
        <ellipse cx="12" cy="12" rx="4.2" ry="9.5"/><path d="M2.5 12h19M4.2 7h15.6M4.2 17h15.6"/></svg>
      <select aria-label=${t('header:language')} @change=${this._change}>
        ${this.choices.map((c) => html`<option value=${c.code} ?selected=${c.code === i18n.code}>${c.name}</option>`)}
      </select>`
  }

  protected override updated (): void {
    const select = this.renderRoot.querySelector('select')
    if (select && this.choices.length > 0) select.value = i18n.code
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-language-switcher': LanguageSwitcher }
}
