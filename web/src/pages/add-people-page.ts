// Add people (staff): the class list from a spreadsheet saved as CSV (chosen as a file, or pasted),
// checked first: a table says for each line who will be added, who joins, and what is wrong with a
// line and how to fix it. Nothing is written until the teacher confirms; bad lines are left out.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { PeopleImportLine, PeopleImportResult } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t, tSentence } from '../controllers/i18n.ts'
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { CheckedUpload, type UploadTable } from '../components/checked-upload.ts'
import { setupStyles } from '../styles/setup-styles.ts'

/** Lines that add someone or change someone. */
const changes = (lines: PeopleImportLine[]) => lines.filter((l) => l.action === 'create' || l.action === 'join')

@customElement('rfam-add-people-page')
export class AddPeoplePage extends LitElement {
  static override styles = [sharedStyles, pageStyles, setupStyles, css`
    textarea { font-family: var(--rfam-mono); min-height: 9em; }
    pre { background: var(--rfam-surface-2); padding: 8px 12px; border-radius: 8px; overflow-x: auto; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  @state() private csv = ''
  private readonly upload = new CheckedUpload<PeopleImportResult>(this,
    (dryRun) => api.importPeople({ project: appState.project! }, { csv: this.csv, dryRun }),
    (result) => t('import:done', { count: changes(result.lines).length }))

  private async _file (event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0]
    if (!file) return
    this.csv = await file.text()
    await this.check()
  }

  private _text (event: Event): void {
    this.csv = (event.target as HTMLTextAreaElement).value
    this.upload.result = undefined
  }

  /** Sends the CSV to be checked only (a change to it takes the answer away, so the one confirmed is the one checked). */
  private async check (): Promise<void> {
    if (!this.csv.trim()) {
      this.upload.error = t('import:empty')
      this.requestUpdate()
      return
    }
    await this.upload.send(true)
  }

  private actionText (line: PeopleImportLine, dryRun: boolean): string {
    switch (line.action) {
      case 'create': return dryRun ? t('import:will-create') : t('import:created')
      case 'join': return dryRun ? t('import:will-join') : t('import:joined')
      case 'unchanged': return t('import:unchanged')
      case 'skip': return t('import:skipped')
      default: return t('import:refused')
    }
  }

  /** What the server said of the line, in the reader's language (its English where a sentence is unknown here). */
  private detail (line: PeopleImportLine): string {
    const sentences = line.sentences ?? []
    return sentences.length > 0 && sentences.every((s) => i18n.has(s.key)) ? sentences.map((s) => tSentence(s, '')).join(' ') : line.detail
  }

  private table (result: PeopleImportResult): UploadTable {
    const refused = result.lines.filter((l) => l.action === 'refused').length
    const count = changes(result.lines).length
    return {
      count,
      refused,
      summary: result.dryRun ? t('import:summary-check', { count, refused }) : t('import:summary-done', { count, refused }),
      head: [t('import:line'), t('import:name'), t('import:username'), t('import:projects'), t('import:what')],
      rows: result.lines.map((l) => html`<tr class=${l.action}>
          <td>${l.line}</td><td>${l.name ?? ''}</td><td class="mono">${l.ident ?? ''}</td><td>${(l.projects ?? []).join(', ')}</td>
          <td><strong>${this.actionText(l, result.dryRun)}</strong>${l.pin ? html` · ${t('import:with-pin')}` : nothing}
            ${l.action === 'refused' || l.action === 'skip' ? html`<br><span>${this.detail(l)}</span>` : nothing}</td>
        </tr>`),
      confirm: t('import:confirm', { count }),
      hint: t('import:fix-hint'),
      next: html`<p><a class="button primary" href="/people/pictures">${t('import:next')} →</a></p>`,
    }
  }

  override render () {
    return this.upload.page(t('import:title'), html`
        <p>${t('import:intro')}</p>
        <pre>name,username,pin
Alex Rivera,alex,4711
Mia Chen,mia,</pre>
        <p class="muted">${t('import:intro-more')}</p>
        <div class="field">
          <label for="csv-file">${t('import:file')}</label>
          <input id="csv-file" type="file" accept=".csv,.txt,text/csv,text/plain" @change=${this._file}>
        </div>
        <div class="field">
          <label for="csv-text">${t('import:paste')}</label>
          <textarea id="csv-text" .value=${this.csv} @input=${this._text} spellcheck="false"></textarea>
        </div>
        <button type="button" ?disabled=${this.upload.busy} @click=${() => this.check()}>${t('import:check')}</button>`,
    t('import:result'), (result) => this.table(result))
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-add-people-page': AddPeoplePage }
}
