// New asset: name, type, file name (filled in from both, editable), owner and description. Create copies
// the type's template on the server and opens the new asset's page.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { AssetCreate } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assets } from '../state/assets.ts'
import { assetHref, navigate } from '../router.ts'
import { showToast } from '../components/toast.ts'
import { submittedForm } from '../components/submitted-form.ts'
import type { FileNameField } from '../components/file-name-field.ts'
import '../components/file-name-field.ts'

@customElement('rfam-new-asset-page')
export class NewAssetPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    form { max-width: 640px; }
    input, select { width: 100%; }
    .buttons { display: flex; gap: 10px; flex-wrap: wrap; margin-top: 8px; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  /** A type to start with (from ?type=). */
  @property() presetType = ''
  @state() private name = ''
  @state() private type = ''
  @state() private error = ''
  @state() private busy = false
  @query('rfam-file-name-field') private fileField!: FileNameField

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)

  override connectedCallback (): void {
    super.connectedCallback()
    if (this.presetType) this.type = this.presetType
  }

  private async _submit (event: SubmitEvent): Promise<void> {
    const { field } = submittedForm(event)
    const name = field('name')
    const type = field('type')
    if (!name || !type) {
      this.error = t('new:need-name-type')
      return
    }
    const owner = field('owner')
    const request: AssetCreate = { name, type, owner: owner === '' ? null : owner }
    const description = field('description')
    if (description) request.description = description
    // Left as suggested, the server derives the same file name itself.
    if (this.fileField.edited && this.fileField.value.trim()) request.path = this.fileField.value.trim()
    this.busy = true
    this.error = ''
    try {
      const created = await assets.create(request)
      showToast(t('new:created', { name }))
      navigate(assetHref(created.path), { replace: true })
    } catch (error) {
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
  }

  override render () {
    const types = appState.defaults?.types ?? []
    const me = appState.session?.user.ident ?? ''
    return html`
      <div class="page-head"><h1>${t('new:title')}</h1></div>
      <form class="card" @submit=${this._submit} novalidate>
        <div class="field">
          <label for="name">${t('asset:name')}</label>
          <input id="name" name="name" type="text" required autocomplete="off" maxlength="200"
            @input=${(e: Event) => { this.name = (e.target as HTMLInputElement).value }}>
        </div>
        <div class="field">
          <label for="type">${t('asset:type')}</label>
          <select id="type" name="type" required @change=${(e: Event) => { this.type = (e.target as HTMLSelectElement).value }}>
            <option value="" ?selected=${this.type === ''}>${t('new:choose-type')}</option>
            ${types.map((type) => html`<option value=${type.ident} ?selected=${type.ident === this.type}>${appState.typeName(type.ident)}</option>`)}
          </select>
        </div>
        <rfam-file-name-field .type=${appState.type(this.type)} .name=${this.name}></rfam-file-name-field>
        <div class="field">
          <label for="owner">${t('asset:owner')}</label>
          <select id="owner" name="owner">
            <option value="">${t('user:nobody')}</option>
            ${appState.members.map((m) => html`<option value=${m.ident} ?selected=${m.ident === me}>${m.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="description">${t('asset:description')}</label>
          <textarea id="description" name="description"></textarea>
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="buttons">
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('new:create')}</button>
          <a class="button" href="/assets">${t('action:cancel')}</a>
        </div>
      </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-new-asset-page': NewAssetPage }
}
