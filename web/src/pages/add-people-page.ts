// Add people (staff): the class list from a spreadsheet saved as CSV (chosen as a file, or pasted),
// checked first: a table says for each line who will be added, who joins, and what is wrong with a
// line and how to fix it. Nothing is written until the teacher confirms; bad lines are left out.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import type { PeopleImportLine, PeopleImportResult } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t, tSentence } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { showToast } from '../components/toast.ts'
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
  @state() private result?: PeopleImportResult
  @state() private error = ''
  @state() private busy = false

  private async _file (event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0]
    if (!file) return
    this.csv = await file.text()
    await this.send(true)
  }

  private _text (event: Event): void {
    this.csv = (event.target as HTMLTextAreaElement).value
    this.result = undefined
  }

  private async send (dryRun: boolean): Promise<void> {
    if (!this.csv.trim()) {
      this.error = t('import:empty')
      return
    }
    this.busy = true
    this.error = ''
    try {
      this.result = await api.importPeople({ project: appState.project! }, { csv: this.csv, dryRun })
      if (!dryRun) {
        showToast(t('import:done', { count: changes(this.result.lines).length }))
        await appState.loadProjectData()
      }
    } catch (error) {
      this.result = undefined
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
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

  private table (result: PeopleImportResult) {
    const refused = result.lines.filter((l) => l.action === 'refused').length
    const count = changes(result.lines).length
    return html`
      <p role="status" class=${refused ? 'summary warn' : 'summary ok'}>
        ${result.dryRun ? t('import:summary-check', { count, refused }) : t('import:summary-done', { count, refused })}
      </p>
      <div class="scroll"><table>
        <thead><tr><th>${t('import:line')}</th><th>${t('import:name')}</th><th>${t('import:username')}</th><th>${t('import:projects')}</th><th>${t('import:what')}</th></tr></thead>
        <tbody>${result.lines.map((l) => html`<tr class=${l.action}>
          <td>${l.line}</td><td>${l.name ?? ''}</td><td class="mono">${l.ident ?? ''}</td><td>${(l.projects ?? []).join(', ')}</td>
          <td><strong>${this.actionText(l, result.dryRun)}</strong>${l.pin ? html` · ${t('import:with-pin')}` : nothing}
            ${l.action === 'refused' || l.action === 'skip' ? html`<br><span>${this.detail(l)}</span>` : nothing}</td>
        </tr>`)}</tbody>
      </table></div>
      ${result.dryRun
        ? html`<div class="row">
            <button class="primary" type="button" ?disabled=${this.busy || count === 0} @click=${() => this.send(false)}>${t('import:confirm', { count })}</button>
            ${refused ? html`<span class="muted">${t('import:fix-hint')}</span>` : nothing}
          </div>`
        : html`<p><a class="button primary" href="/people/pictures">${t('import:next')} →</a></p>`}`
  }

  override render () {
    if (appState.me?.staff !== true) return html`<div class="card"><p>${t('setup:staff-only')}</p></div>`
    return html`
      <div class="page-head"><h1>${t('import:title')}</h1><span class="spacer"></span><span class="muted">${appState.session?.project.name}</span></div>
      <section class="card">
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
        <button type="button" ?disabled=${this.busy} @click=${() => this.send(true)}>${t('import:check')}</button>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
      ${this.result ? html`<section class="card" aria-label=${t('import:result')}>${this.table(this.result)}</section>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-add-people-page': AddPeoplePage }
}
