// Shots: every renderable asset, by name and picture (its latest rendered frame once it has one), with
// its owner, a 0–5 rating and its pipeline stage
// (improving / ready / rendering / done), all changed in place.
import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { AssetList, AssetUpdate, AssetView } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, i18n, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assets } from '../state/assets.ts'
import { ownerOptions } from '../state/options.ts'
import { assetHref } from '../router.ts'
import { face, faceStyles } from '../components/face.ts'
import { stateBadge, stateBadgeStyles } from '../components/state-badge.ts'
import { thumbnail, thumbnailStyles } from '../components/thumbnail.ts'
import '../components/inline-select.ts'
import '../components/rating.ts'

type Stage = NonNullable<NonNullable<AssetView['meta']>['pipeline']>
const stages: Stage[] = ['improving', 'ready', 'rendering', 'done']

@customElement('rfam-shots-page')
export class ShotsPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, stateBadgeStyles, thumbnailStyles, css`
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
    li.card {
      display: grid; grid-template-columns: minmax(10rem, 2fr) minmax(14rem, 1.3fr) auto minmax(15.5rem, 1.2fr);
      gap: 10px 16px; align-items: center; border-left: 8px solid var(--stage, var(--rfam-border)); padding: 12px 16px;
    }
    @media (max-width: 1060px) { li.card { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } li.card > .name { grid-column: 1 / -1; } }
    @media (max-width: 640px) { li.card { grid-template-columns: minmax(0, 1fr); } }
    li[data-stage='improving'] { --stage: var(--rfam-warn); }
    li[data-stage='ready'] { --stage: var(--rfam-accent); }
    li[data-stage='rendering'] { --stage: #8a2be2; }
    li[data-stage='done'] { --stage: var(--rfam-ok); }
    .name { display: flex; gap: 12px; align-items: center; min-width: 0; }
    .name a { font-weight: 700; font-size: 1.05rem; overflow-wrap: anywhere; }
    .work { display: block; font-size: 0.88rem; color: var(--rfam-muted); margin-top: 2px; }
    .rating { display: flex; flex-direction: column; gap: 4px; }
    .small-label { font-weight: 600; }
    .owner { display: flex; gap: 8px; align-items: flex-end; }
    .owner rfam-inline-select { flex: 1; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly list = new ApiController<AssetList>(this, (signal) => api.listAssets({ project: appState.project! }, { signal }))
  private readonly live = reloadOnChange(this, this.list, 'asset', 'members', 'project')

  /** Saves and shows the asset as stored at once (the live update confirms it a moment later). */
  private async saveShot (path: string, update: AssetUpdate): Promise<void> {
    const view = await assets.update(path, update)
    const list = this.list.value
    if (list) this.list.value = { ...list, assets: list.assets.map((a) => (a.path === path ? view : a)) }
    this.requestUpdate()
  }

  private stageOptions () {
    const labels: Record<Stage, string> = {
      improving: t('shots:stage-improving'), ready: t('shots:stage-ready'), rendering: t('shots:stage-rendering'), done: t('shots:stage-done'),
    }
    return stages.map((stage) => ({ value: stage, label: labels[stage] }))
  }

  override render () {
    const list = this.list.value
    if (this.list.error && !list) return html`<p class="error" role="alert">${this.list.error}</p>`
    const collator = new Intl.Collator(i18n.code, { numeric: true })
    const shots = (list?.assets ?? []).filter((a) => a.meta?.render).sort((a, b) => collator.compare(a.meta!.name, b.meta!.name))
    return html`
      <div class="page-head"><h1>${t('shots:title')}</h1><span class="spacer"></span>
        <span class="muted">${list ? t('shots:count', { count: shots.length }) : t('common:loading')}</span></div>
      ${list && shots.length === 0 ? html`<p class="card">${t('shots:none')}</p>` : nothing}
      <ul>
        ${repeat(shots, (a) => a.path, (a) => {
          const meta = a.meta!
          const stage = meta.pipeline ?? 'improving'
          return html`<li class="card" data-stage=${stage}>
            <div class="name">${thumbnail(a, 64)}<div><a href=${assetHref(a.path, 'shots')}>${meta.name}</a>
              <span class="work">${t('shots:work')} ${stateBadge(meta.state)}</span></div></div>
            <div class="owner">${face(appState.user(meta.owner), 36, true)}
              <rfam-inline-select label=${t('asset:owner')} .options=${ownerOptions()} .value=${meta.owner ?? ''}
                .save=${(v: string) => this.saveShot(a.path, { owner: v === '' ? null : v })}></rfam-inline-select></div>
            <div class="rating"><span class="small-label" aria-hidden="true">${t('shots:rating-label')}</span>
              <rfam-rating label=${t('shots:rating', { name: meta.name })} .value=${meta.rating ?? 0}
                .save=${(v: number) => this.saveShot(a.path, { rating: v })}></rfam-rating></div>
            <rfam-inline-select label=${t('shots:stage')} .options=${this.stageOptions()} .value=${stage}
              .save=${(v: string) => this.saveShot(a.path, { pipeline: v as Stage })}></rfam-inline-select>
          </li>`
        })}
      </ul>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-shots-page': ShotsPage }
}
