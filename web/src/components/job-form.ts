// The render form: pick a file (renderable assets first; with "Show every .blend file" the other assets
// and the .blend files that are no asset), a name, the frames, whether it is one video, the priority and
// frames per task; Render queues the job. The file is the truth: the frames start as the file's own
// (read by the server from the .blend), with what it renders in plain words ("96 frames, 24 fps,
// 1920×1080, Cycles") and what would spoil the render (no camera, a movie format for frames, …) shown
// before Render is pressed. Frames the student changed on purpose are remembered on the asset and
// offered next time; the file's own range is never written there.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { AssetSummary, FileList, JobCreate, RenderSettingsView } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t, tSentence } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { assets } from '../state/assets.ts'
import { farm } from '../state/farm.ts'
import { showToast } from './toast.ts'
import { submittedForm } from './submitted-form.ts'
import { settingsSummary, warningList, warningStyles, warningsFor } from './render-facts.ts'

/** Blender's default frame range, for a file whose settings cannot be read. */
const defaultRange = { start: 1, end: 250 }
/** The API's bounds for frames per task. */
const chunkBounds = { min: 1, max: 10000 }

/** "shots/light test.blend" → "light test": the job name of a file that is no asset. */
function fileTitle (path: string): string {
  return (path.split('/').at(-1) ?? path).replace(/\.blend$/i, '')
}

@customElement('rfam-job-form')
export class JobForm extends LitElement {
  static override styles = [sharedStyles, warningStyles, css`
    :host { display: block; }
    form { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px 16px; align-items: end; }
    .wide { grid-column: 1 / -1; }
    .field { margin: 0; }
    input[type='number'], input[type='text'], select { width: 100%; }
    .error { color: var(--rfam-error); font-weight: 600; margin: 0; }
    .hint { font-weight: 400; color: var(--rfam-muted); font-size: 0.88rem; }
    .facts { margin: 0; }
    .facts button { margin-left: 8px; }
  `]

  /** Every asset of the project. */
  @property({ attribute: false }) assets: AssetSummary[] = []
  @state() private showAll = false
  @state() private path = ''
  @state() private error = ''
  @state() private busy = false
  /** The project's .blend files, fetched when every file is asked for. */
  @state() private files?: FileList
  @state() private filesError = ''
  /** Whether the person typed a frame since choosing the file (then the file's range does not overwrite it). */
  private rangeTyped = false
  /** What the chosen file renders, as the server read it; undefined while it is being read. */
  @state() private settings?: RenderSettingsView
  @state() private settingsError = ''
  @state() private video = false
  /** The frames in the fields now, to offer the file's (or the remembered) range when they differ. */
  @state() private range = { ...defaultRange }
  private settingsRequest?: AbortController

  private readonly i18n = new I18nController(this)

  /** Renderable assets, then (on request) the other .blend assets, then .blend files that are no asset. */
  private choices (): { renderable: AssetSummary[], other: AssetSummary[], loose: string[] } {
    const byName = (a: AssetSummary, b: AssetSummary) => a.meta!.name.localeCompare(b.meta!.name)
    const withFile = this.assets.filter((a) => a.meta && a.path.toLowerCase().endsWith('.blend'))
    const renderable = withFile.filter((a) => a.meta!.render).sort(byName)
    if (!this.showAll) return { renderable, other: [], loose: [] }
    const known = new Set(this.assets.map((a) => a.path))
    return {
      renderable,
      other: withFile.filter((a) => !a.meta!.render).sort(byName),
      loose: (this.files?.files ?? []).filter((f) => !f.asset && !known.has(f.path)).map((f) => f.path),
    }
  }

  private async _showAll (event: Event): Promise<void> {
    this.showAll = (event.target as HTMLInputElement).checked
    // Fetched each time it is ticked: files that are no asset are not announced when they appear.
    if (!this.showAll) return
    this.filesError = ''
    try {
      this.files = await farm.blendFiles()
    } catch (error) {
      this.filesError = errorMessage(error)
    }
  }

  private get chosen (): AssetSummary | undefined {
    return this.assets.find((a) => a.path === this.path)
  }

  private _pick (event: Event): void {
    this.path = (event.target as HTMLSelectElement).value
    this.error = ''
    const asset = this.chosen
    const form = this.renderRoot.querySelector('form')!
    const meta = asset?.meta
    ;(form.elements.namedItem('name') as HTMLInputElement).value = meta?.name ?? (this.path ? fileTitle(this.path) : '')
    this.video = meta?.video ?? false
    ;(form.elements.namedItem('video') as HTMLInputElement).checked = this.video
    ;(form.elements.namedItem('priority') as HTMLInputElement).value = ''
    this.rangeTyped = false
    void this.readSettings()
  }

  /** Asks the server what the chosen file renders; the frames then start as the file's. */
  private async readSettings (): Promise<void> {
    this.settingsRequest?.abort()
    this.settings = undefined
    this.settingsError = ''
    const path = this.path
    if (!path) return
    const request = this.settingsRequest = new AbortController()
    try {
      const settings = await farm.renderSettings(path, request.signal)
      if (path !== this.path) return
      this.settings = settings
      const file = settings.settings
      const meta = this.chosen?.meta
      // Frames typed while the file was being read are the person's: the file's do not replace them.
      if (!this.rangeTyped) this.setRange(file ? { start: file.frameStart, end: file.frameEnd } : { start: meta?.frameStart ?? defaultRange.start, end: meta?.frameEnd ?? defaultRange.end })
    } catch (error) {
      if (request.signal.aborted || path !== this.path) return
      this.settingsError = errorMessage(error)
      this.settings = { path, settings: null, warnings: [] }
    }
  }

  private setRange (range: { start: number, end: number }): void {
    const form = this.renderRoot.querySelector('form')!
    ;(form.elements.namedItem('start') as HTMLInputElement).value = String(range.start)
    ;(form.elements.namedItem('end') as HTMLInputElement).value = String(range.end)
    this.range = { ...range }
  }

  private _frames (): void {
    this.rangeTyped = true
    const form = this.renderRoot.querySelector('form')!
    this.range = {
      start: Number((form.elements.namedItem('start') as HTMLInputElement).value),
      end: Number((form.elements.namedItem('end') as HTMLInputElement).value),
    }
  }

  /** The frame range the file says, when it could be read. */
  private get fileRange (): { start: number, end: number } | undefined {
    const s = this.settings?.settings
    return s ? { start: s.frameStart, end: s.frameEnd } : undefined
  }

  /** The range remembered on the asset (chosen on purpose last time), when there is one. */
  private get remembered (): { start: number, end: number } | undefined {
    const meta = this.chosen?.meta
    return meta?.frameStart !== undefined && meta.frameEnd !== undefined ? { start: meta.frameStart, end: meta.frameEnd } : undefined
  }

  /** What an empty priority field means: the asset's true priority, 0 for a file that is no asset. */
  private get defaultPriority (): number {
    return this.chosen?.truePriority ?? 0
  }

  private async _submit (event: SubmitEvent): Promise<void> {
    const { field } = submittedForm(event)
    const start = Number(field('start'))
    const end = Number(field('end'))
    const name = field('name')
    const priorityText = field('priority')
    const priority = Number(priorityText)
    const chunkSize = Number(field('chunk'))
    if (!this.path) { this.error = t('render:need-file'); return }
    if (!this.settings) { this.error = t('render:reading-file'); return }
    if (!Number.isInteger(start) || !Number.isInteger(end)) { this.error = t('render:need-frames'); return }
    if (end < start) { this.error = t('render:end-before-start', { start, end }); return }
    if (priorityText !== '' && !Number.isInteger(priority)) { this.error = t('render:need-priority'); return }
    if (!Number.isInteger(chunkSize) || chunkSize < chunkBounds.min || chunkSize > chunkBounds.max) {
      this.error = t('render:need-chunk', { max: chunkBounds.max })
      return
    }
    const job: JobCreate = { file: this.path, frameStart: start, frameEnd: end, video: field('video') === 'on', chunkSize }
    const file = this.fileRange
    const own = !file || start !== file.start || end !== file.end
    if (name) job.name = name
    if (priorityText !== '') job.priority = priority
    const device = field('device')
    if (device === 'gpu' || device === 'cpu') job.device = device
    this.busy = true
    this.error = ''
    try {
      const created = await farm.create(job)
      const meta = this.chosen?.meta
      // Frames chosen on purpose (not the file's own) are remembered on the asset for next time.
      if (meta && own && (meta.frameStart !== start || meta.frameEnd !== end)) {
        await assets.update(this.path, { frameStart: start, frameEnd: end }).catch(() => undefined)
      }
      showToast(t('render:queued', { name: created.name, frames: created.counts.frames }))
      this.dispatchEvent(new CustomEvent('job-created', { detail: created, bubbles: true, composed: true }))
    } catch (error) {
      this.error = errorMessage(error)
    } finally {
      this.busy = false
    }
  }

  /** What the file renders in plain words, and the file's or the remembered range when the fields differ. */
  private fileFacts () {
    if (!this.path) return nothing
    if (!this.settings) return html`<p class="facts hint wide" role="status">${t('render:reading-file')}</p>`
    const s = this.settings.settings
    const { start, end } = this.range
    const file = this.fileRange
    const remembered = this.remembered
    const same = (r?: { start: number, end: number }) => r !== undefined && r.start === start && r.end === end
    const blocked = this.settings.cannotRender
    return html`${blocked ? html`<p class="error wide cannot-render" role="note">${tSentence(blocked.sentence, blocked.message)}</p>` : nothing}<p class="facts wide" role="status">
      ${s
        ? html`<span class="summary">${t('render:file-says', { summary: settingsSummary(s) })}</span>`
        : html`<span class="hint">${this.settingsError || t('render:no-settings')}</span>`}
      ${file && !same(file)
        ? html`<button type="button" @click=${() => this.setRange(file)}>${t('render:use-file-range', { start: file.start, end: file.end })}</button>`
        : nothing}
      ${remembered && !same(remembered) && (!file || remembered.start !== file.start || remembered.end !== file.end)
        ? html`<button type="button" @click=${() => this.setRange(remembered)}>${t('render:use-remembered', { start: remembered.start, end: remembered.end })}</button>`
        : nothing}
    </p>`
  }

  override render () {
    const { renderable, other, loose } = this.choices()
    const any = renderable.length + other.length + loose.length > 0
    const option = (a: AssetSummary) => html`<option value=${a.path} ?selected=${a.path === this.path}>${a.meta!.name} — ${a.path}</option>`
    return html`<form @submit=${this._submit} novalidate>
      <div class="field wide">
        <label for="file">${t('render:file')}</label>
        <select id="file" name="file" @change=${this._pick}>
          <option value="" ?selected=${this.path === ''}>${any ? t('render:choose-file') : t('render:no-files')}</option>
          ${this.showAll
            ? html`
              ${renderable.length ? html`<optgroup label=${t('render:group-renderable')}>${renderable.map(option)}</optgroup>` : nothing}
              ${other.length ? html`<optgroup label=${t('render:group-other')}>${other.map(option)}</optgroup>` : nothing}
              ${loose.length
                ? html`<optgroup label=${t('render:group-files')}>${loose.map((path) => html`
                <option value=${path} ?selected=${path === this.path}>${path}</option>`)}</optgroup>`
                : nothing}`
            : renderable.map(option)}
        </select>
        <label class="check"><input type="checkbox" .checked=${this.showAll} @change=${this._showAll}> ${t('render:show-all')}</label>
        ${this.showAll && !this.files && !this.filesError ? html`<span class="hint">${t('common:loading')}</span>` : nothing}
        ${this.filesError ? html`<span class="error" role="alert">${this.filesError}</span>` : nothing}
        ${this.files?.truncated ? html`<span class="hint">${t('render:files-truncated', { count: this.files.files.length })}</span>` : nothing}
      </div>
      <div class="field wide"><label for="name">${t('render:name')}</label><input id="name" name="name" type="text" maxlength="200"></div>
      <div class="field"><label for="start">${t('render:start')}</label>
        <input id="start" name="start" type="number" step="1" .value=${String(defaultRange.start)} @input=${this._frames}></div>
      <div class="field"><label for="end">${t('render:end')}</label>
        <input id="end" name="end" type="number" step="1" .value=${String(defaultRange.end)} @input=${this._frames}></div>
      ${this.fileFacts()}
      <div class="field"><label for="priority">${t('render:priority')}</label>
        <input id="priority" name="priority" type="number" step="1" inputmode="numeric" aria-describedby="priority-hint"
          placeholder=${String(this.defaultPriority)}>
        <span class="hint" id="priority-hint">${t('render:priority-hint', { priority: this.defaultPriority })}</span></div>
      <div class="field"><label for="chunk">${t('render:chunk')}</label>
        <input id="chunk" name="chunk" type="number" step="1" min=${chunkBounds.min} max=${chunkBounds.max} inputmode="numeric"
          aria-describedby="chunk-hint" .value=${'1'}>
        <span class="hint" id="chunk-hint">${t('render:chunk-hint')}</span></div>
      <div class="field"><label for="device">${t('render:device')}</label>
        <select id="device" name="device" aria-describedby="device-hint">
          <option value="any" selected>${t('render:device-any')}</option>
          <option value="gpu">${t('render:device-gpu')}</option>
          <option value="cpu">${t('render:device-cpu')}</option>
        </select>
        <span class="hint" id="device-hint">${t('render:device-hint')}</span></div>
      <label class="check"><input type="checkbox" name="video" @change=${(e: Event) => { this.video = (e.target as HTMLInputElement).checked }}> ${t('render:video')}</label>
      ${this.settings ? warningList(warningsFor(this.settings.warnings, this.video), this.settings.settings, t('render:warnings-title')) : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy || (this.path !== '' && !this.settings)}>${t('render:submit')}</button>
      ${this.error ? html`<p class="error wide" role="alert">${this.error}</p>` : nothing}
    </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-job-form': JobForm }
}
