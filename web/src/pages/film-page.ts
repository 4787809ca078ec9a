// The film so far: the project's shots in film order, played back to back from each shot's latest
// render at the project's frame rate (film-playback.ts), a title card for each shot not rendered yet,
// the shot now playing with its state and a link to it under the player. Staff put the shots in
// order (drag, or the arrow buttons from the keyboard) and have the farm make the film; everyone
// downloads it once it is made.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, query, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import type { FilmShot, FilmView } from '../../../schemas/generated/types.ts'
import { pageStyles, sharedStyles } from '../styles/shared.ts'
import { I18nController, t, tSentence } from '../controllers/i18n.ts'
import { ApiController } from '../controllers/api-controller.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { api } from '../api/routes.ts'
import { reloadOnChange } from '../controllers/live-updates.ts'
import { AppStateController, appState } from '../state/app-state.ts'
import { assetHref } from '../router.ts'
import { FilmPlayback, type FilmItem } from '../film/film-playback.ts'
import { filmFrameUrls } from '../film/film-frames.ts'

@customElement('rfam-film-page')
export class FilmPage extends LitElement {
  static override styles = [sharedStyles, pageStyles, css`
    .screen { position: relative; margin: 0; background: #111; border-radius: 10px; aspect-ratio: 16 / 9; max-height: 62vh; display: grid; place-items: center; overflow: hidden; }
    .screen img { max-width: 100%; max-height: 100%; object-fit: contain; }
    .screen .title-card { color: #fff; font-size: clamp(1rem, 3vw, 1.8rem); font-weight: 700; text-align: center; padding: 16px; }
    .controls, .now, .make { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin: 10px 0; }
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
  @query('img') private img?: HTMLImageElement
  @state() private now = 0
  /** A title card shows (its words are made at each render: the language may arrive after the film). */
  @state() private onCard = false
  @state() private playing = false
  @state() private problem = ''
  @state() private dragged: number | null = null
  private playback?: FilmPlayback
  private started = false

  private get staff (): boolean { return appState.me?.staff === true }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.playback?.stop()
  }

  private items (film: FilmView): FilmItem[] {
    return film.shots.map((shot) => ({ urls: filmFrameUrls(appState.project!, shot), card: this.cardOf(shot) }))
  }

  private cardOf (shot: FilmShot): string {
    return t(shot.gone ? 'film:card-gone' : 'film:card', { name: shot.name, state: shot.stateName })
  }

  protected override updated (changed: PropertyValues): void {
    super.updated(changed)
    const film = this.film.value
    if (!film || !this.img) return
    if (!this.playback) {
      this.playback = new FilmPlayback(this.img, {
        showing: (item, card) => { this.now = item; this.onCard = card !== null },
        playing: (playing) => { this.playing = playing },
      })
      // The first picture on screen: what the Film page benchmark times.
      this.img.addEventListener('load', () => performance.mark('rfam-film-first-frame'), { once: true })
    }
    if (this.loaded !== film) {
      this.loaded = film
      this.playback.load(this.items(film), film.fps)
      if (!this.started) {
        this.started = true
        this.playback.play()
      }
    }
  }

  private loaded?: FilmView

  private async reorder (order: string[]): Promise<void> {
    this.problem = ''
    try {
      this.film.value = await api.setFilmOrder({ project: appState.project! }, { order })
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
    } catch (err) {
      this.problem = errorMessage(err)
    }
  }

  private toggle (): void {
    if (this.playing) this.playback?.pause()
    else this.playback?.play()
  }

  private restart (): void {
    this.playback?.seek(0)
    this.playback?.play()
  }

  private playFrom (index: number): void {
    this.playback?.seek(index)
    this.playback?.play()
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
      <span>${shot.stateName}</span>
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
        <img alt=${shot.name} hidden>
        ${this.onCard ? html`<div class="title-card" role="img" aria-label=${this.cardOf(shot)}>${this.cardOf(shot)}</div>` : nothing}
      </figure>
      <div class="controls">
        <button type="button" class="primary" @click=${() => this.toggle()}>${this.playing ? t('film:pause') : t('film:play')}</button>
        <button type="button" @click=${() => this.restart()}>${t('film:restart')}</button>
      </div>
      <p class="now" aria-live="polite"><span>${t('film:now', { name: '' })}<a href=${assetHref(shot.path, 'film')}>${shot.name}</a></span>
        <span>${t('film:state', { state: shot.stateName })}</span></p>
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
