// Pictures (staff): everyone's pictures at once, as several files or .zip files of them, each named
// after its person (alex.jpg, "Alex Rivera.png"). Choosing them shows at once whose each one is, as
// it will look; nothing is saved until the teacher confirms. Files that fit nobody, or two people, say
// what to rename.
import { LitElement, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { PictureBatch, PictureMatch } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { setupStyles } from '../styles/setup-styles.ts'
import { I18nController, t, tSentence } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { showToast } from '../components/toast.ts'

@customElement('rfam-pictures-page')
export class PicturesPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, setupStyles]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  @state() private files: File[] = []
  @state() private result?: PictureBatch
  @state() private error = ''
  @state() private busy = false

  private async _choose (event: Event): Promise<void> {
    this.files = [...((event.target as HTMLInputElement).files ?? [])]
    this.result = undefined
    if (this.files.length > 0) await this.send(true)
  }

  private async send (dryRun: boolean): Promise<void> {
    this.busy = true
    this.error = ''
    try {
      this.result = await api.uploadPictures({ project: appState.project! }, { dryRun: dryRun ? 'true' : 'false' }, this.files)
      if (!dryRun) {
        const saved = this.result.files.filter((f) => f.action === 'saved').length
        showToast(t('pictures:done', { count: saved }))
        await appState.loadProjectData()
      }
    } catch (error) {
      this.result = undefined
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
  }

  private actionText (file: PictureMatch): string {
    switch (file.action) {
      case 'save': return t('pictures:will-save', { name: file.name ?? '' })
      case 'saved': return t('pictures:saved', { name: file.name ?? '' })
      case 'skipped': return t('pictures:skipped')
      default: return t('pictures:refused')
    }
  }

  private table (result: PictureBatch) {
    const good = result.files.filter((f) => f.action === 'save' || f.action === 'saved').length
    const refused = result.files.filter((f) => f.action === 'refused').length
    return html`
      <p role="status" class=${refused ? 'summary warn' : 'summary ok'}>
        ${result.dryRun ? t('pictures:summary-check', { count: good, refused }) : t('pictures:summary-done', { count: good, refused })}
      </p>
      <div class="scroll"><table>
        <thead><tr><th>${t('pictures:picture')}</th><th>${t('pictures:file')}</th><th>${t('pictures:whose')}</th></tr></thead>
        <tbody>${result.files.map((f) => html`<tr class=${f.action}>
          <td>${f.preview ? html`<img src=${f.preview} alt=${t('pictures:preview-of', { name: f.name ?? '' })}>` : nothing}</td>
          <td class="mono">${f.file}</td>
          <td><strong>${this.actionText(f)}</strong>${f.detail ? html`<br><span>${tSentence(f.sentence, f.detail)}</span>` : nothing}</td>
        </tr>`)}</tbody>
      </table></div>
      ${result.dryRun
        ? html`<div class="row">
            <button class="primary" type="button" ?disabled=${this.busy || good === 0} @click=${() => this.send(false)}>${t('pictures:confirm', { count: good })}</button>
            ${refused ? html`<span class="muted">${t('pictures:fix-hint')}</span>` : nothing}
          </div>`
        : html`<p><a class="button" href="/team">${t('pictures:see-team')} →</a></p>`}`
  }

  override render () {
    if (appState.me?.staff !== true) return html`<div class="card"><p>${t('setup:staff-only')}</p></div>`
    return html`
      <div class="page-head"><h1>${t('pictures:title')}</h1><span class="spacer"></span><span class="muted">${appState.session?.project.name}</span></div>
      <section class="card">
        <p>${t('pictures:intro')}</p>
        <div class="field">
          <label for="picture-files">${t('pictures:choose')}</label>
          <span class="hint" id="picture-hint">${t('pictures:hint')}</span>
          <input id="picture-files" type="file" multiple accept="image/jpeg,image/png,image/webp,image/gif,.zip,application/zip"
            aria-describedby="picture-hint" ?disabled=${this.busy} @change=${this._choose}>
        </div>
        ${this.busy ? html`<p class="muted" aria-busy="true">${t('pictures:working')}</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
      ${this.result ? html`<section class="card" aria-label=${t('pictures:result')}>${this.table(this.result)}</section>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-pictures-page': PicturesPage }
}
