// An asset's renders on its page: the frames viewer playing its latest render, a chooser of which
// render to play, and of a second one to compare it with (side by side or with a wipe, switched in
// the player). Renders are the project's jobs of this asset, newest first.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { JobView } from '../../../schemas/generated/types.ts'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, format, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { farm } from '../state/farm.ts'
import type { FrameClip } from './frame-player-timeline.ts'
import './frame-player.ts'

@customElement('rfam-asset-renders')
export class AssetRenders extends LitElement {
  static override styles = [sharedStyles, css`
    :host { display: block; }
    .choose { display: flex; flex-wrap: wrap; gap: 8px 16px; margin-bottom: 10px; }
    label { display: flex; flex-direction: column; gap: 4px; font-weight: 600; }
  `]

  /** The asset's path inside the project. */
  @property() path = ''
  @state() private jobs: JobView[] | null = null
  @state() private shown = ''
  @state() private compared = ''
  @state() private problem = ''
  private readonly i18n = new I18nController(this)

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('path')) void this.load()
  }

  private async load (): Promise<void> {
    try {
      const { jobs } = await farm.jobs()
      this.jobs = jobs.filter((j) => j.asset === this.path && !j.video)
      this.shown = this.jobs[0]?.id ?? ''
      this.compared = ''
      this.problem = ''
    } catch (error) {
      this.problem = errorMessage(error)
    }
  }

  private clip (id: string): FrameClip | null {
    const job = this.jobs?.find((j) => j.id === id)
    return job ? { project: job.project, job: job.id, label: this.name(job) } : null
  }

  private name (job: JobView): string {
    return t('renders:option', { name: job.name, time: format.dateTime(job.created) })
  }

  override render () {
    if (this.problem) return html`<p class="error" role="alert">${this.problem}</p>`
    if (!this.jobs) return html`<p class="muted">${t('common:loading')}</p>`
    if (this.jobs.length === 0) return html`<p class="muted">${t('renders:none')}</p>`
    const main = this.clip(this.shown)
    const options = (selected: string) => this.jobs!.map((j) => html`<option value=${j.id} ?selected=${j.id === selected}>${this.name(j)}</option>`)
    return html`
      <div class="choose">
        <label>${t('renders:show')}
          <select @change=${(e: Event) => { this.shown = (e.target as HTMLSelectElement).value }}>${options(this.shown)}</select></label>
        ${this.jobs.length > 1
          ? html`<label>${t('renders:compare-with')}
          <select @change=${(e: Event) => { this.compared = (e.target as HTMLSelectElement).value }}>
            <option value="" ?selected=${this.compared === ''}>${t('renders:compare-none')}</option>${options(this.compared)}</select></label>`
          : nothing}
      </div>
      ${main ? html`<rfam-frame-player .clips=${[main]} .compare=${this.clip(this.compared)}></rfam-frame-player>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-asset-renders': AssetRenders }
}
