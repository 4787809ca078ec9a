// <rfam-frame-player>: plays the frames of one or more renders in the browser at the scene's frame
// rate. Pause, scrub, step (keys), loop a range (in/out points), zoom, full screen, and compare two
// renders of the same asset side by side or with a wipe. Frames without a picture (still rendering,
// not rendered, failed, deleted since, not a picture) are marked on the scrub bar and said in words
// over the picture; a film's title cards are said the same way. Parts: the timeline (clips end to
// end), the clock, the preloader, drawing and compare, the controls.
import { LitElement, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { sharedStyles } from '../styles/shared.ts'
import { I18nController, t } from '../controllers/i18n.ts'
import { errorMessage } from '../controllers/api-client.ts'
import { PlaybackClock, type ClockStats } from './frame-player-clock.ts'
import { AHEAD, Preloader } from './frame-player-preload.ts'
import { drawFrames, type CompareMode, type View } from './frame-player-compare.ts'
import { frameLabel, loadedRuns, scrubBar, shownWords } from './frame-player-controls.ts'
import { framePlayerStyles } from './frame-player-styles.ts'
import { loadTimeline, matchingIndex, type FrameClip, type Timeline } from './frame-player-timeline.ts'
import { playerKeys } from './frame-player-keys.ts'

export type { FrameClip } from './frame-player-timeline.ts'

/** While frames are still to come, the list is asked for again this often. */
const REFRESH_MS = 5000

export interface PlayerStats extends ClockStats {
  /** Milliseconds from the clips being set to the first picture drawn; null before. */
  firstFrameMs: number | null
  /** When the first picture was drawn (performance.now()); null before. */
  firstFrameAt: number | null
}

@customElement('rfam-frame-player')
export class FramePlayer extends LitElement {
  static override styles = [sharedStyles, framePlayerStyles]

  /** The clips to play end to end (one render: one clip; a film: its shots' renders). */
  @property({ attribute: false }) clips: FrameClip[] = []
  /** A second render to compare with the first clip, frame by frame (same frame numbers); null: none. */
  @property({ attribute: false }) compare: FrameClip | null = null
  @property({ attribute: 'compare-mode' }) compareMode: CompareMode = 'wipe'
  /** Start playing once the first frames are loaded. */
  @property({ type: Boolean }) autoplay = false
  /** Start again at the end (L switches it); a film stops at its end. */
  @property({ type: Boolean }) loop = true
  /** Frames a second to play at (a film: the project's rate); null: the first render's. */
  @property({ type: Number }) fps: number | null = null

  @state() private timeline: Timeline | null = null
  @state() private other: Timeline | null = null
  /** The frame shown (not a reactive state: while playing, only the play head and label follow it every frame). */
  private index = 0
  private lastRender = 0
  @state() private playing = false
  @state() private inPoint: number | null = null
  @state() private outPoint: number | null = null
  @state() private problem = ''
  @state() private view: View = { zoom: 1, panX: 0, panY: 0, wipe: 0.5 }
  @query('canvas') private canvas!: HTMLCanvasElement
  @query('.area') private area!: HTMLElement

  private readonly i18n = new I18nController(this)
  private readonly preload = new Preloader((i) => this.loaded(i, false))
  private readonly preloadOther = new Preloader((i) => this.loaded(i, true))
  /** For each frame of the timeline, the matching frame of the render compared with (-1: none). */
  private otherIndex: number[] = []
  private readonly clock: PlaybackClock

  private openedAt = performance.now()
  private firstFrameAt: number | null = null
  private loadAbort: AbortController | null = null
  private refreshTimer = 0
  private resize = new ResizeObserver(() => this.fit())
  private drag: { kind: 'scrub' | 'wipe' | 'pan', x: number, y: number, panX: number, panY: number } | null = null

  constructor () {
    super()
    const player = this
    this.clock = new PlaybackClock({
      get count () { return player.frameCount },
      get range () { return player.range() },
      get loop () { return player.loop },
      ready: (i) => this.ready(i),
      show: (i) => this.show(i),
      ended: () => { this.playing = false },
    })
  }

  /** Frames drawn, dropped and waited for since play, and how long the first picture took. */
  get stats (): PlayerStats {
    return { ...this.clock.stats, firstFrameMs: this.firstFrameAt === null ? null : this.firstFrameAt - this.openedAt, firstFrameAt: this.firstFrameAt }
  }

  /** How many frames from the play head on are loaded and ready (the preload). */
  get readyAhead (): number { return this.timeline ? this.countReady(this.index, AHEAD) : 0 }

  get frameCount (): number { return this.timeline?.frames.length ?? 0 }
  get isPlaying (): boolean { return this.playing }

  play (): void {
    if (!this.timeline) return
    this.clock.resetStats()
    this.clock.play()
    this.playing = this.clock.playing
  }

  pause (): void {
    this.clock.pause()
    this.playing = false
  }

  toggle (): void { if (this.playing) this.pause(); else this.play() }

  seek (i: number): void { this.clock.seek(i) }

  /** To the first frame of clip n (a film's shot). */
  seekClip (n: number): void {
    const i = this.timeline?.frames.findIndex((f) => f.clip === n) ?? -1
    if (i >= 0) this.seek(i)
  }

  step (by: number): void {
    this.pause()
    this.seek(this.index + by)
  }

  override connectedCallback (): void {
    super.connectedCallback()
    this.tabIndex = 0
    this.addEventListener('keydown', this._key)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.pause()
    this.loadAbort?.abort()
    clearTimeout(this.refreshTimer)
    this.resize.disconnect()
    this.preload.clear()
    this.preloadOther.clear()
    this.removeEventListener('keydown', this._key)
  }

  override firstUpdated (): void {
    this.resize.observe(this.area)
  }

  override updated (): void {
    // The frame's name is not in the template (it changes on every frame while playing): set here.
    this.paintHead()
  }

  override willUpdate (changed: Map<string, unknown>): void {
    if (changed.has('clips') || changed.has('compare')) void this.load(changed.has('clips'))
  }

  private async load (fresh: boolean): Promise<void> {
    this.loadAbort?.abort()
    const abort = this.loadAbort = new AbortController()
    if (fresh) {
      this.pause()
      this.openedAt = performance.now()
      this.firstFrameAt = null
    }
    try {
      const [timeline, other] = await Promise.all([
        fresh || !this.timeline ? loadTimeline(this.clips, abort.signal, this.fps ?? undefined) : Promise.resolve(this.timeline),
        this.compare ? loadTimeline([this.compare], abort.signal) : Promise.resolve(null),
      ])
      if (abort.signal.aborted) return
      this.problem = ''
      if (fresh || timeline !== this.timeline) {
        this.timeline = timeline
        this.preload.setFrames(timeline.frames)
        this.clock.fps = timeline.fps
        this.index = 0
        this.inPoint = this.outPoint = null
        this.preload.around(0) // asked for now, not once the player has drawn itself: the first picture takes longest
      }
      this.other = other
      this.preloadOther.setFrames(other?.frames ?? [])
      this.otherIndex = other ? timeline.frames.map((f, i) => matchingIndex(other.frames, f, i)) : []
      await this.updateComplete
      this.fit()
      this.seek(this.index)
      this.scheduleRefresh()
      if (this.autoplay && fresh) this.play()
      if (fresh) this.dispatchEvent(new Event('frames-load'))
    } catch (error) {
      if (!abort.signal.aborted) this.problem = errorMessage(error)
    }
  }

  /** Frames still to come: ask for the list again in a while, and take in what changed. */
  private scheduleRefresh (): void {
    clearTimeout(this.refreshTimer)
    if (!this.timeline?.frames.some((f) => !f.card && (f.state === 'rendering' || f.state === 'waiting'))) return
    this.refreshTimer = window.setTimeout(async () => {
      if (!this.isConnected || !this.timeline) return
      try {
        const fresh = await loadTimeline(this.clips, undefined, this.fps ?? undefined)
        if (fresh.frames.length === this.timeline.frames.length) {
          fresh.frames.forEach((f, i) => {
            const old = this.timeline!.frames[i]!
            if (old.url !== f.url || old.state !== f.state) {
              this.timeline!.frames[i] = f
              this.preload.forget(i)
            }
          })
          this.timeline = { ...this.timeline }
          if (!this.playing) this.seek(this.index)
        }
      } catch { /* tried again next time */ }
      this.scheduleRefresh()
    }, REFRESH_MS)
  }

  private range (): { start: number, end: number } {
    const last = Math.max(0, this.frameCount - 1)
    const start = this.inPoint ?? 0
    const end = this.outPoint ?? last
    return start <= end ? { start, end } : { start: end, end: start }
  }

  private ready (i: number): boolean {
    const j = this.otherIndex[i]
    return this.preload.ready(i) && (!this.other || j === undefined || j < 0 || this.preloadOther.ready(j))
  }

  private countReady (from: number, most: number): number {
    let n = 0
    while (n < most && from + n < this.frameCount && this.ready(from + n)) n++
    return n
  }

  /** A picture arrived: draw it if it is the one shown; the loaded line is redrawn now and then. */
  private loaded (i: number, other: boolean): void {
    if ((other ? this.otherIndex[this.index] : this.index) === i) this.draw()
    this.renderSoon()
  }

  /** The canvas in the picture area's device pixels; pictures are decoded at that width. */
  private fit (): void {
    if (!this.canvas || !this.area) return
    const ratio = this.timeline?.width && this.timeline.height ? this.timeline.width / this.timeline.height : 16 / 9
    if (!document.fullscreenElement) this.area.style.aspectRatio = String(ratio)
    const dpr = window.devicePixelRatio || 1
    const w = Math.round(this.area.clientWidth * dpr)
    const h = Math.round(this.area.clientHeight * dpr)
    if (w === 0 || h === 0) return
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w
      this.canvas.height = h
    }
    const most = this.timeline?.width ?? w
    this.preload.width = this.preloadOther.width = Math.min(w, most)
    this.draw()
  }

  private show (i: number): void {
    this.index = i
    this.paintHead()
    this.renderSoon()
    this.preload.around(i)
    const j = this.otherIndex[i]
    if (this.other && j !== undefined && j >= 0) this.preloadOther.around(j)
    this.draw()
    const f = this.timeline?.frames[i]
    if (f) this.dispatchEvent(new CustomEvent('frame-change', { detail: { index: i, clip: f.clip, frame: f.frame } }))
  }

  /**
   * The whole template again: at once when paused; while playing at most twice a second (a render of
   * the scrub bar on every frame costs the main thread time that playback needs).
   */
  private renderSoon (): void {
    if (!this.playing || performance.now() - this.lastRender > 500) this.requestUpdate()
  }

  /** The play head, the frame's name and the canvas's label, set straight away on every frame. */
  private paintHead (): void {
    const tl = this.timeline
    const f = tl?.frames[this.index]
    if (!tl || !f) return
    const head = this.renderRoot.querySelector<HTMLElement>('.head')
    if (head) head.style.left = `${(100 * (this.index + 0.5)) / Math.max(1, tl.frames.length)}%`
    const label = frameLabel(tl, this.index)
    const where = this.renderRoot.querySelector('.frame-label')
    if (where && where.textContent !== label) where.textContent = label
    this.canvas?.setAttribute('aria-label', label)
  }

  private draw (): void {
    const ctx = this.canvas?.getContext('2d')
    if (!ctx || !this.timeline) return
    const a = this.preload.get(this.index)
    const j = this.otherIndex[this.index]
    const b = this.other ? (j !== undefined && j >= 0 ? this.preloadOther.get(j) : undefined) : null
    drawFrames(ctx, a, b, this.compareMode, this.view)
    if (a && this.firstFrameAt === null) {
      this.firstFrameAt = performance.now()
      this.dispatchEvent(new Event('first-picture'))
    }
  }

  private readonly _key = (event: KeyboardEvent): void => {
    if (event.target !== this && (event.composedPath()[0] as HTMLElement).matches?.('input, select, textarea')) return
    if (playerKeys(this, event.key)) event.preventDefault()
  }

  /** I/O/L: the loop range from the frame shown; L without a range loops everything (or nothing). */
  setIn (): void { this.inPoint = this.index }
  setOut (): void { this.outPoint = this.index }
  clearRange (): void { this.inPoint = this.outPoint = null }
  toggleLoop (): void { this.loop = !this.loop }
  zoomBy (factor: number): void {
    const zoom = Math.min(16, Math.max(1, this.view.zoom * factor))
    this.view = zoom === 1 ? { ...this.view, zoom, panX: 0, panY: 0 } : { ...this.view, zoom }
    this.draw()
  }

  async fullScreen (): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen()
    else await this.requestFullscreen().catch(() => undefined)
  }

  private barIndex (event: PointerEvent): number {
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect()
    return Math.floor(((event.clientX - rect.left) / rect.width) * this.frameCount)
  }

  private readonly _barDown = (event: PointerEvent): void => {
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId)
    this.drag = { kind: 'scrub', x: 0, y: 0, panX: 0, panY: 0 }
    this.pause()
    this.seek(this.barIndex(event))
  }

  private readonly _barMove = (event: PointerEvent): void => {
    if (this.drag?.kind === 'scrub' && event.buttons) this.seek(this.barIndex(event))
  }

  private readonly _areaDown = (event: PointerEvent): void => {
    const wipe = this.other && this.compareMode === 'wipe'
    if (!wipe && this.view.zoom === 1) return
    this.area.setPointerCapture(event.pointerId)
    this.drag = { kind: wipe ? 'wipe' : 'pan', x: event.clientX, y: event.clientY, panX: this.view.panX, panY: this.view.panY }
    this._areaMove(event)
  }

  private readonly _areaMove = (event: PointerEvent): void => {
    if (!this.drag || !event.buttons) return
    const rect = this.area.getBoundingClientRect()
    const dpr = window.devicePixelRatio || 1
    if (this.drag.kind === 'wipe') this.view = { ...this.view, wipe: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)) }
    else if (this.drag.kind === 'pan') this.view = { ...this.view, panX: this.drag.panX + (event.clientX - this.drag.x) * dpr, panY: this.drag.panY + (event.clientY - this.drag.y) * dpr }
    this.draw()
  }

  override render () {
    const tl = this.timeline
    if (this.problem) return html`<p class="error" role="alert">${this.problem}</p>`
    const words = shownWords(tl?.frames[this.index], this.index, this.preload)
    const label = frameLabel(tl, this.index)
    const range = this.inPoint !== null || this.outPoint !== null ? this.range() : null
    this.lastRender = performance.now()
    const wiping = this.other && this.compareMode === 'wipe'
    return html`
      <div class="area ${wiping ? 'wiping' : this.view.zoom > 1 ? 'zoomed' : ''}" @pointerdown=${this._areaDown} @pointermove=${this._areaMove}
        @dblclick=${() => this.fullScreen()}>
        <canvas role="img" aria-label=${label}></canvas>
        ${this.other ? html`<p class="label">${tl?.labels[0] ?? ''}</p><p class="label right">${this.other.labels[0]}</p>` : nothing}
        ${words ? html`<p class="say ${words.kind}" role="status">${words.text}</p>` : nothing}
        ${tl && tl.frames.length === 0 ? html`<p class="say center" role="status">${t('player:no-frames')}</p>` : nothing}
      </div>
      ${tl ? scrubBar({ frames: tl.frames, index: this.index, range, label, loaded: loadedRuns(tl.frames.length, (i) => this.ready(i)) }, { down: this._barDown, move: this._barMove }) : nothing}
      <div class="controls">
        <span class="where" aria-live="off"><span class="frame-label"></span>${tl ? html` <span class="muted">· ${t('player:fps', { fps: Math.round(tl.fps * 1000) / 1000 })}</span>` : nothing}</span>
        <button type="button" @click=${() => { this.pause(); this.seek(this.range().start) }} aria-label=${t('player:first')} title=${t('player:first')}>|◀</button>
        <button type="button" @click=${() => this.step(-1)} aria-label=${t('player:prev')} title=${t('player:prev')}>◀</button>
        <button type="button" class="primary play" @click=${() => this.toggle()}>${this.playing ? t('player:pause') : t('player:play')}</button>
        <button type="button" @click=${() => this.step(1)} aria-label=${t('player:next')} title=${t('player:next')}>▶</button>
        <button type="button" @click=${() => { this.pause(); this.seek(this.range().end) }} aria-label=${t('player:last')} title=${t('player:last')}>▶|</button>
        <button type="button" @click=${() => this.setIn()} title=${t('player:in')}>I</button>
        <button type="button" @click=${() => this.setOut()} title=${t('player:out')}>O</button>
        <button type="button" aria-pressed=${this.loop ? 'true' : 'false'} @click=${() => this.toggleLoop()}>${t('player:loop')}</button>
        ${range ? html`<button type="button" @click=${() => this.clearRange()}>${t('player:clear-range', { from: tl!.frames[range.start]!.frame, to: tl!.frames[range.end]!.frame })}</button>` : nothing}
        <button type="button" @click=${() => this.zoomBy(1 / 1.5)} aria-label=${t('player:zoom-out')} title=${t('player:zoom-out')}>−</button>
        <button type="button" @click=${() => this.zoomBy(1.5)} aria-label=${t('player:zoom-in')} title=${t('player:zoom-in')}>+</button>
        ${this.other ? html`<button type="button" aria-pressed=${this.compareMode === 'wipe' ? 'true' : 'false'} @click=${() => { this.compareMode = this.compareMode === 'wipe' ? 'side' : 'wipe'; this.requestUpdate(); void this.updateComplete.then(() => this.draw()) }}>${this.compareMode === 'wipe' ? t('player:compare-wipe') : t('player:compare-side')}</button>` : nothing}
        <button type="button" @click=${() => this.fullScreen()}>${t('player:fullscreen')}</button>
      </div>
      <p class="facts">${t('player:keys')}${this.clock.stats.shown ? ` · ${t('player:dropped', { dropped: this.clock.stats.dropped, shown: this.clock.stats.shown })}` : ''}</p>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-frame-player': FramePlayer }
}
