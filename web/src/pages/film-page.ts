// The film so far: the project's shots in film order, played back to back from each shot's latest
// render at the project's frame rate by the frames viewer (<rfam-frame-player>, film-clips.ts makes
// its clips), a title card for each shot not rendered yet, the shot now playing with its state and a
// link to it under the player. Staff put the shots in
// order (drag, or the arrow buttons from the keyboard) and have the farm make the film; everyone
// downloads it once it is made.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, query, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { FilmShot, FilmView } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t, tOptional, tSentence } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { filmClips } from '../film/film-clips.ts'
import type { FrameClip } from '../components/frame-player-timeline.ts'
import type { FramePlayer } from '../components/frame-player.ts'
import '../components/frame-player.ts'

@customElement('rfam-film-page')
export class FilmPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    .screen { margin: 0; }
    .now, .make { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin: 10px 0; }
    .now { font-size: 1.05rem; }
    ol { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
    li.shot { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; padding: 8px 12px; }
    li.shot[aria-current='true'] { outline: 3px solid var(--rfam-accent); }
    li.shot.dragging { opacity: 0.5; }
    .place { font-weight: 700; min-width: 2ch; }
    .shot-name { font-weight: 700; }
    .spacer { flex: 1; }
    .error { color: var(--rfam-error); font-weight: 600; }
  `]

  private readonly i18n = new I18nController(this)
  private readonly appStateController = new AppStateController(this)
  private readonly film = new ApiController<FilmView>(this, (signal) => api.getFilm({ project: appState.project! }, { signal }))
  private readonly live = reloadOnChange(this, this.film, 'asset', 'project', 'job')
  @query('rfam-frame-player') private player?: FramePlayer
  /** The shot (index into the film's shots) the player is on. */
  @state() private now = 0
  @state() private problem = ''
  @state() private dragged: number | null = null
  /** The clips the player has, and what they were made from (new clips only when the shots' frames change). */
  private clips: FrameClip[] = []
  private clipsKey = ''
  private clipShots: FilmShot[] = []
  /** Where the player was when new clips came (the shot's path, and whether it played), to go on there. */
  private resume: { path: string, playing: boolean } | null = null

  private get staff (): boolean { return appState.me?.staff === true }

  private clipsOf (film: FilmView): FrameClip[] {
    const clips = filmClips(appState.project!, film.shots, (shot) => this.cardOf(shot))
    const key = JSON.stringify([film.fps, clips])
    if (key !== this.clipsKey) {
      const shown = this.clipShots[this.now]
      if (this.player && shown) this.resume = { path: shown.path, playing: this.player.isPlaying }
      this.clipsKey = key
      this.clips = clips
      this.clipShots = film.shots
    }
    return this.clips
  }

  /** The shot's state as every page names it: in the reader's language when its file has a word for it. */
  private stateOf (shot: FilmShot): string {
    return tOptional(`state:${shot.state}`, shot.stateName)
  }

  private cardOf (shot: FilmShot): string {
    return t(shot.gone ? 'film:card-gone' : 'film:card', { name: shot.name, state: this.stateOf(shot) })
  }

  /** New clips are loaded: the first time the film plays from the start, after that it goes on where it was. */
  private loaded (): void {
    const resume = this.resume
    this.resume = null
    const at = resume ? this.film.value!.shots.findIndex((s) => s.path === resume.path) : -1
    if (at > 0) this.player?.seekClip(at)
    if (!resume || resume.playing) this.player?.play()
  }

  private async reorder (order: string[]): Promise<void> {
    this.problem = ''
    try {
      this.film.value = await api.setFilmOrder({ project: appState.project! }, { order })
      this.requestUpdate() // a value set by hand does not draw the page again by itself
    } catch (err) {
      this.problem = errorMessage(err)
    }
  }

  private move (from: number, to: number): void {
    const order = this.film.value!.shots.map((s) => s.path)
    if (to < 0 || to >= order.length || from === to) return
    const [path] = order.splice(from, 1)
    order.splice(to, 0, path!)
    void this.reorder(order).then(() => this.updateComplete).then(() => {
      // Keyboard users stay on the button they pressed, on the shot they moved.
      const button = this.renderRoot.querySelector<HTMLButtonElement>(`li[data-index='${to}'] button[data-move='${to > from ? 'down' : 'up'}']`)
      ;(button && !button.disabled ? button : this.renderRoot.querySelector<HTMLButtonElement>(`li[data-index='${to}'] button`))?.focus()
    })
  }

  private async make (): Promise<void> {
    this.problem = ''
    try {
      this.film.value = await api.makeFilm({ project: appState.project! })
      this.requestUpdate() // a value set by hand does not draw the page again by itself
    } catch (err) {
      this.problem = errorMessage(err)
    }
  }

  private playFrom (index: number): void {
    this.player?.seekClip(index)
    this.player?.play()
  }

  private madeLine (film: FilmView) {
    const made = film.film
    if (!made) return nothing
    switch (made.status) {
      case 'completed':
        return made.download
          ? html`<span role="status">${t('film:made')}</span> <a class="button primary" href=${made.download} download>${t('film:download')}</a>`
          : nothing
      case 'queued': return html`<span role="status">${t('film:queued')}</span>`
      case 'active': return html`<progress max="1" .value=${made.progress}></progress> <span role="status">${t('film:making', { percent: Math.round(made.progress * 100) })}</span>`
      case 'failed': return html`<span class="error" role="alert">${t('film:failed', { message: tSentence(made.sentence, made.message ?? '') })}</span>`
      default: return nothing
    }
  }

  private shotLine (shot: FilmShot, index: number, count: number) {
    const staff = this.staff
    const frames = shot.render ? t('film:frames', { count: shot.render.frames.length }) : shot.gone ? t('film:gone') : t('film:not-rendered')
    return html`<li data-index=${index} aria-current=${this.now === index ? 'true' : 'false'}
        draggable=${staff ? 'true' : 'false'} class=${`shot card ${this.dragged === index ? 'dragging' : ''}`}
        @dragstart=${(e: DragEvent) => { this.dragged = index; e.dataTransfer?.setData('text/plain', String(index)) }}
        @dragend=${() => { this.dragged = null }}
        @dragover=${(e: DragEvent) => { if (this.dragged !== null) e.preventDefault() }}
        @drop=${(e: DragEvent) => { e.preventDefault(); if (this.dragged !== null) this.move(this.dragged, index); this.dragged = null }}>
      <span class="place">${index + 1}</span>
      <a class="shot-name" href=${assetHref(shot.path, 'film')}>${shot.name}</a>
      <span>${this.stateOf(shot)}</span>
      <span class="muted">${frames}</span>
      <span class="spacer"></span>
      <button type="button" aria-label=${t('film:play-from', { name: shot.name })} @click=${() => this.playFrom(index)}>${t('film:play')}</button>
      ${staff
        ? html`<button type="button" data-move="up" aria-label=${t('film:up', { name: shot.name })} ?disabled=${index === 0} @click=${() => this.move(index, index - 1)}>↑</button>
          <button type="button" data-move="down" aria-label=${t('film:down', { name: shot.name })} ?disabled=${index === count - 1} @click=${() => this.move(index, index + 1)}>↓</button>`
        : nothing}
    </li>`
  }

  override render () {
    const film = this.film.value
    if (this.film.error && !film) return html`<p class="error" role="alert">${this.film.error}</p>`
    const head = html`<div class="page-head"><h1>${t('film:title')}</h1><span class="spacer"></span>
      ${film ? html`<span class="muted">${t(film.fpsSet ? 'film:fps' : 'film:fps-guess', { fps: film.fps })}</span>` : html`<span class="muted">${t('common:loading')}</span>`}</div>`
    if (!film) return head
    if (film.shots.length === 0) return html`${head}<p class="card" role="status">${t('film:empty')}</p>`
    const shot = film.shots[this.now] ?? film.shots[0]!
    return html`${head}
      <figure class="screen" aria-label=${t('film:now', { name: shot.name })}>
        <rfam-frame-player .clips=${this.clipsOf(film)} .fps=${film.fps} .loop=${false} @frames-load=${() => this.loaded()}
          @frame-change=${(e: CustomEvent<{ clip: number }>) => { this.now = e.detail.clip }}
          @first-picture=${() => performance.mark('rfam-film-first-frame')}></rfam-frame-player>
      </figure>
      <p class="now" aria-live="polite"><span>${t('film:now', { name: '' })}<a href=${assetHref(shot.path, 'film')}>${shot.name}</a></span>
        <span>${t('film:state', { state: this.stateOf(shot) })}</span></p>
      ${film.sound ? html`<p class=${film.sound.found ? 'muted' : 'error'}>${t(film.sound.found ? 'film:sound' : 'film:sound-missing', { path: film.sound.path })}</p>` : nothing}
      <div class="make">
        ${this.staff ? html`<button type="button" class="primary" @click=${() => this.make()}>${t('film:make')}</button>` : nothing}
        ${this.madeLine(film)}
      </div>
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
      <h2>${t('film:shots')}</h2>
      ${this.staff ? html`<p class="muted">${t('film:order-hint')}</p>` : nothing}
      <ol>${repeat(film.shots, (s) => s.path, (s, i) => this.shotLine(s, i, film.shots.length))}</ol>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-film-page': FilmPage }
}
