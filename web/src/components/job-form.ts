// The render form: pick a file (renderable assets first, every .blend with "Show every file"), a name,
// the frames and whether it is one video; Render queues the job. The frames are remembered on the asset,
// so next time the form starts from them.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { AssetView, JobCreate } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { assets } from '../state/assets.ts'
import { farm } from '../state/farm.ts'
import { showToast } from './toast.ts'

/** Blender's default frame range, for a file never rendered from RFAM. */
const defaultRange = { start: 1, end: 250 }

@customElement('rfam-job-form')
export class JobForm extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    form { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px 16px; align-items: end; }
    .wide { grid-column: 1 / -1; }
    .field { margin: 0; }
    input[type='number'], input[type='text'], select { width: 100%; }
    .error { color: var(--rfam-error); font-weight: 600; margin: 0; }
  `]

  /** Every asset of the project. */
  @property({ attribute: false }) assets: AssetView[] = []
  @state() private showAll = false
  @state() private path = ''
  @state() private error = ''
  @state() private busy = false

  private readonly i18n = new I18nController(this)

  private choices (): AssetView[] {
    const withFile = this.assets.filter((a) => a.meta && a.path.endsWith('.blend'))
    const list = this.showAll ? withFile : withFile.filter((a) => a.meta!.render)
    return list.sort((a, b) => a.meta!.name.localeCompare(b.meta!.name))
  }

  private get chosen (): AssetView | undefined {
    return this.assets.find((a) => a.path === this.path)
  }

  private _pick (event: Event): void {
    this.path = (event.target as HTMLSelectElement).value
    this.error = ''
    const asset = this.chosen
    const form = this.renderRoot.querySelector('form')!
    const meta = asset?.meta
    ;(form.elements.namedItem('name') as HTMLInputElement).value = meta?.name ?? ''
    ;(form.elements.namedItem('start') as HTMLInputElement).value = String(meta?.frameStart ?? defaultRange.start)
    ;(form.elements.namedItem('end') as HTMLInputElement).value = String(meta?.frameEnd ?? defaultRange.end)
    ;(form.elements.namedItem('video') as HTMLInputElement).checked = meta?.video ?? false
  }

  private async _submit (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const start = Number(data.get('start'))
    const end = Number(data.get('end'))
    const name = String(data.get('name') ?? '').trim()
    if (!this.path) { this.error = t('render:need-file'); return }
    if (!Number.isInteger(start) || !Number.isInteger(end)) { this.error = t('render:need-frames'); return }
    if (end < start) { this.error = t('render:end-before-start', { start, end }); return }
    const job: JobCreate = { file: this.path, frameStart: start, frameEnd: end, video: data.get('video') === 'on' }
    if (name) job.name = name
    this.busy = true
    this.error = ''
    try {
      const created = await farm.create(job)
      const meta = this.chosen?.meta
      // Remembered on the asset for next time (only when they changed).
      if (meta && (meta.frameStart !== start || meta.frameEnd !== end)) {
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

  override render () {
    const choices = this.choices()
    return html`<form @submit=${this._submit} novalidate>
      <div class="field wide">
        <label for="file">${t('render:file')}</label>
        <select id="file" name="file" @change=${this._pick}>
          <option value="" ?selected=${this.path === ''}>${choices.length ? t('render:choose-file') : t('render:no-files')}</option>
          ${choices.map((a) => html`<option value=${a.path} ?selected=${a.path === this.path}>${a.meta!.name} — ${a.path}</option>`)}
        </select>
        <label class="check"><input type="checkbox" .checked=${this.showAll}
          @change=${(e: Event) => { this.showAll = (e.target as HTMLInputElement).checked }}> ${t('render:show-all')}</label>
      </div>
      <div class="field wide"><label for="name">${t('render:name')}</label><input id="name" name="name" type="text" maxlength="200"></div>
      <div class="field"><label for="start">${t('render:start')}</label>
        <input id="start" name="start" type="number" step="1" .value=${String(defaultRange.start)}></div>
      <div class="field"><label for="end">${t('render:end')}</label>
        <input id="end" name="end" type="number" step="1" .value=${String(defaultRange.end)}></div>
      <label class="check"><input type="checkbox" name="video"> ${t('render:video')}</label>
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('render:submit')}</button>
      ${this.error ? html`<p class="error wide" role="alert">${this.error}</p>` : nothing}
    </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-job-form': JobForm }
}
