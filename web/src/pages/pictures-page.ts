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
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { CheckedUpload, type UploadTable } from '../components/checked-upload.ts'

@customElement('rfam-pictures-page')
export class PicturesPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, setupStyles]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  @state() private files: File[] = []
  private readonly upload = new CheckedUpload<PictureBatch>(this,
    (dryRun) => api.uploadPictures({ project: appState.project! }, { dryRun: dryRun ? 'true' : 'false' }, this.files),
    (result) => t('pictures:done', { count: result.files.filter((f) => f.action === 'saved').length }))

  private async _choose (event: Event): Promise<void> {
    this.files = [...((event.target as HTMLInputElement).files ?? [])]
    this.upload.result = undefined
    if (this.files.length > 0) await this.upload.send(true)
  }

  private actionText (file: PictureMatch): string {
    switch (file.action) {
      case 'save': return t('pictures:will-save', { name: file.name ?? '' })
      case 'saved': return t('pictures:saved', { name: file.name ?? '' })
      case 'skipped': return t('pictures:skipped')
      default: return t('pictures:refused')
    }
  }

  private table (result: PictureBatch): UploadTable {
    const good = result.files.filter((f) => f.action === 'save' || f.action === 'saved').length
    const refused = result.files.filter((f) => f.action === 'refused').length
    return {
      count: good,
      refused,
      summary: result.dryRun ? t('pictures:summary-check', { count: good, refused }) : t('pictures:summary-done', { count: good, refused }),
      head: [t('pictures:picture'), t('pictures:file'), t('pictures:whose')],
      rows: result.files.map((f) => html`<tr class=${f.action}>
          <td>${f.preview ? html`<img src=${f.preview} alt=${t('pictures:preview-of', { name: f.name ?? '' })}>` : nothing}</td>
          <td class="mono">${f.file}</td>
          <td><strong>${this.actionText(f)}</strong>${f.detail ? html`<br><span>${tSentence(f.sentence, f.detail)}</span>` : nothing}</td>
        </tr>`),
      confirm: t('pictures:confirm', { count: good }),
      hint: t('pictures:fix-hint'),
      next: html`<p><a class="button" href="/team">${t('pictures:see-team')} →</a></p>`,
    }
  }

  override render () {
    return this.upload.page(t('pictures:title'), html`
        <p>${t('pictures:intro')}</p>
        <div class="field">
          <label for="picture-files">${t('pictures:choose')}</label>
          <span class="hint" id="picture-hint">${t('pictures:hint')}</span>
          <input id="picture-files" type="file" multiple accept="image/jpeg,image/png,image/webp,image/gif,.zip,application/zip"
            aria-describedby="picture-hint" ?disabled=${this.upload.busy} @change=${this._choose}>
        </div>
        ${this.upload.busy ? html`<p class="muted" aria-busy="true">${t('pictures:working')}</p>` : nothing}`,
    t('pictures:result'), (result) => this.table(result))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-pictures-page': PicturesPage }
}
