// Home, the to-do page: the person's most important asset as a big card they can work on in place, then
// the rest of their assets by true priority, then teammates who asked for their help.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import type { AssetView, Todo } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assets } from '../state/assets.ts'
import { ownerOptions, stateOptions } from '../state/options.ts'
import { assetHref } from '../router.ts'
import { face, faceStyles } from '../components/face.ts'
import { stateBadge, stateBadgeStyles } from '../components/state-badge.ts'
import { showToast } from '../components/toast.ts'
import '../components/inline-select.ts'
import '../components/inline-text.ts'
import '../components/priority-select.ts'
import '../components/render-stats.ts'
import '../components/asset-table.ts'
import '../components/addon-setup.ts'
import '../components/latest-note.ts'
import '../components/thumbnail.ts'

@customElement('rfam-home-page')
export class HomePage extends LitElement {
  static override styles = [sharedStyles, pageStyles, faceStyles, stateBadgeStyles, css`
    .current { border-top: 6px solid var(--rfam-accent); padding: 20px; margin-bottom: 28px; }
    .current h2 { font-size: 1.6rem; margin-bottom: 4px; overflow-wrap: anywhere; }
    .current-head { display: flex; gap: 16px; align-items: center; }
    .current-head > div { min-width: 0; }
    .support-card rfam-thumbnail { flex: none; }
    .current .kicker { text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8rem; font-weight: 700; color: var(--rfam-accent); }
    .edits { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(260px, 100%), 1fr)); gap: 14px; margin: 16px 0; }
    .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; margin-top: 16px; }
    @media (max-width: 720px) { .columns { grid-template-columns: 1fr; } }
    .checkpoint { margin-top: 8px; }
    .list { padding: 0; overflow: hidden; margin-bottom: 28px; }
    .support-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
    .support-card { display: flex; gap: 12px; align-items: center; }
    .support-card a { font-weight: 700; overflow-wrap: anywhere; }
    .empty { text-align: center; padding: 32px 16px; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly todo = new ApiController<Todo>(this, (signal) =>
    api.getTodo({ project: appState.project! }, {}, { signal }))

  private readonly live = reloadOnChange(this, this.todo, 'asset', 'members', 'project')

  @state() private checkpointMessage = ''

  private save (asset: AssetView, field: 'owner' | 'state' | 'priority' | 'description') {
    return async (value: string | number) => {
      const update = field === 'owner' ? { owner: value === '' ? null : String(value) } : { [field]: value }
      await assets.update(asset.path, update)
      if (field === 'owner' || field === 'priority' || field === 'state') await this.todo.reload()
    }
  }

  private async _checkpoint (asset: AssetView): Promise<void> {
    try {
      const { checkpoint } = await assets.checkpoint(asset.path)
      this.checkpointMessage = t('asset:checkpoint-done', { file: checkpoint })
    } catch (error) {
      showToast(errorMessage(error), 'error')
    }
  }

  private currentCard (asset: AssetView) {
    const meta = asset.meta!
    const scheme = appState.defaults?.priority
    const supporters = (meta.support ?? []).map((ident) => appState.user(ident))
    return html`<article class="card current" aria-labelledby="current-name">
      <div class="current-head">
        <rfam-thumbnail .asset=${asset} size="128"></rfam-thumbnail>
        <div>
          <div class="kicker">${t('home:current')}</div>
          <h2 id="current-name"><a class="tap" href=${assetHref(asset.path, 'home')}>${meta.name}</a></h2>
          <div class="row muted"><span class="mono">${asset.path}</span> · <span>${appState.typeName(meta.type)}</span> ${stateBadge(meta.state)}</div>
        </div>
      </div>
      <div class="edits">
        <rfam-inline-select label=${t('asset:owner')} .options=${ownerOptions()} .value=${meta.owner ?? ''}
          .save=${this.save(asset, 'owner')}></rfam-inline-select>
        <rfam-inline-select label=${t('asset:state')} .options=${stateOptions(meta)} .value=${meta.state}
          .save=${this.save(asset, 'state')}></rfam-inline-select>
        <rfam-priority-select label=${t('asset:priority')} .scheme=${scheme} .value=${meta.priority}
          .truePriority=${asset.truePriority} .save=${this.save(asset, 'priority')}></rfam-priority-select>
      </div>
      <rfam-inline-text multiline label=${t('asset:description')} .value=${meta.description ?? ''}
        .save=${this.save(asset, 'description')}></rfam-inline-text>
      <rfam-latest-note .path=${asset.path}></rfam-latest-note>
      <div class="columns">
        <section>
          <h3>${t('asset:stats')}</h3>
          <rfam-render-stats .stats=${meta.renderStats} .frameStart=${meta.frameStart} .frameEnd=${meta.frameEnd}></rfam-render-stats>
        </section>
        <section>
          <h3>${t('asset:supporters')}</h3>
          ${supporters.length === 0
            ? html`<p class="muted">${t('asset:no-supporters')}</p>`
            : html`<div class="faces">${supporters.map((u, i) => html`${face(u, 40)}<span>${u?.name ?? meta.support![i]}</span>`)}</div>`}
          ${asset.file
            ? html`<div class="checkpoint">
            <button type="button" @click=${() => this._checkpoint(asset)}>${t('asset:checkpoint')}</button>
            <p role="status" class="muted">${this.checkpointMessage}</p>
          </div>`
            : nothing}
        </section>
      </div>
    </article>`
  }

  override render () {
    const todo = this.todo.value
    if (this.todo.error && !todo) return html`<p class="error" role="alert">${this.todo.error}</p>`
    if (!todo) return html`<p class="muted" aria-busy="true">${t('common:loading')}</p>`
    const [current, ...rest] = todo.assets.filter((a) => a.meta)
    const showPriority = appState.defaults?.priority.visible !== false
    return html`
      <div class="page-head">
        <h1>${t('home:title', { name: appState.me?.name ?? '' })}</h1>
        <span class="spacer"></span>
        <!-- Making something new is the other thing people come to Home for: one click, not via Assets. -->
        <a class="button" href="/new">+ ${t('home:new-asset')}</a>
      </div>
      ${current
        ? keyed(current.path, this.currentCard(current))
        : html`<div class="card empty"><p>${t('home:nothing')}</p><a class="button primary" href="/assets">${t('home:go-assets')}</a></div>`}
      ${rest.length > 0
        ? html`
        <h2>${t('home:next')}</h2>
        <div class="card list">
          <rfam-asset-table .assets=${rest} from="home" .showPriority=${showPriority} label=${t('home:next')}></rfam-asset-table>
        </div>`
        : nothing}
      ${todo.support.length > 0
        ? html`
        <h2>${t('home:support')}</h2>
        <div class="support-cards">
          ${todo.support.map((request) => html`<div class="card support-card">
            ${face(appState.user(request.owner), 48)}
            <rfam-thumbnail .asset=${request.asset} size="48"></rfam-thumbnail>
            <div>
              <div class="muted">${t('home:support-from', { name: appState.userName(request.owner) })}</div>
              <a class="tap" href=${assetHref(request.asset.path, 'home')}>${request.asset.meta?.name ?? request.asset.path}</a>
              <div>${request.asset.meta ? html`${appState.typeName(request.asset.meta.type)} ${stateBadge(request.asset.meta.state)}` : nothing}</div>
            </div>
          </div>`)}
        </div>`
        : nothing}
      <rfam-addon-setup until-connected></rfam-addon-setup>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-home-page': HomePage }
}
