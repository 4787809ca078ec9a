// Plays the film's shots back to back in one <img>: each shot's pictures at the film's frame rate, a
// title card (its words, for a couple of seconds) for a shot not rendered. Pictures are fetched a
// second ahead; when the next one has not arrived the clock waits for it (a slow network stalls
// rather than skips), and one that cannot load (deleted since) is stepped over. Fed plain lists
// (film-frames.ts makes the URLs), so the shared frame player can take its place later.
export interface FilmItem {
  /** Pictures in order; empty for a title card. */
  urls: string[]
  /** Words of the title card, for a shot without pictures. */
  card: string
}

export interface PlaybackView {
  /** The shot (index into the items) now showing, with its card's words when it shows a card. */
  showing: (item: number, card: string | null) => void
  /** Playing started, stopped or reached the end. */
  playing?: (playing: boolean) => void
}

/** Seconds a title card stands. */
export const CARD_SECONDS = 2
/** Pictures kept in memory at most. */
const KEEP = 400

export class FilmPlayback {
  private items: FilmItem[] = []
  private fps = 24
  private item = 0
  private frame = 0
  private running = false
  private last = 0
  private timer = 0
  private readonly cache = new Map<string, HTMLImageElement>()

  constructor (private readonly img: HTMLImageElement, private readonly view: PlaybackView) {}

  get isPlaying (): boolean { return this.running }
  get current (): number { return this.item }

  /** New shots (the film changed): the place is kept when the shot is still there. */
  load (items: FilmItem[], fps: number): void {
    this.items = items
    this.fps = fps > 0 ? fps : 24
    if (this.item >= items.length) { this.item = 0; this.frame = 0 }
    if (this.frame >= this.lengthOf(this.item)) this.frame = 0
    this.show()
  }

  play (): void {
    if (this.running || this.items.length === 0) return
    this.running = true
    this.last = performance.now()
    this.view.playing?.(true)
    this.timer = requestAnimationFrame(this.tick)
  }

  pause (): void {
    if (!this.running) return
    this.running = false
    cancelAnimationFrame(this.timer)
    this.view.playing?.(false)
  }

  /** To the first frame of a shot. */
  seek (item: number): void {
    this.item = Math.max(0, Math.min(item, this.items.length - 1))
    this.frame = 0
    this.last = performance.now()
    this.show()
  }

  stop (): void {
    this.pause()
    this.cache.clear()
  }

  private lengthOf (item: number): number {
    const it = this.items[item]
    if (!it) return 0
    return it.urls.length > 0 ? it.urls.length : Math.max(1, Math.round(CARD_SECONDS * this.fps))
  }

  private picture (url: string): HTMLImageElement {
    let pic = this.cache.get(url)
    if (!pic) {
      pic = new Image()
      pic.decoding = 'async'
      pic.src = url
      this.cache.set(url, pic)
      if (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value!)
    }
    return pic
  }

  /** The place after this one; null past the end. */
  private next (item: number, frame: number): [number, number] | null {
    if (frame + 1 < this.lengthOf(item)) return [item, frame + 1]
    return item + 1 < this.items.length ? [item + 1, 0] : null
  }

  /** Asks for the next second of pictures, across shots. */
  private preload (): void {
    let at: [number, number] | null = [this.item, this.frame]
    for (let n = 0; n <= this.fps && at; n++, at = this.next(...at)) {
      const url = this.items[at[0]]!.urls[at[1]]
      if (url) this.picture(url)
    }
  }

  private show (): void {
    const it = this.items[this.item]
    if (!it) return
    this.preload()
    const url = it.urls[this.frame]
    if (url === undefined) {
      this.img.hidden = true
      this.view.showing(this.item, it.card)
      return
    }
    const pic = this.picture(url)
    // A picture that cannot load keeps the one before on screen.
    if (!(pic.complete && pic.naturalWidth === 0) && this.img.src !== pic.src) this.img.src = pic.src
    this.img.hidden = false
    this.view.showing(this.item, null)
  }

  /** Whether the picture at this place may be shown now: arrived, failed for good, or a card. */
  private ready (item: number, frame: number): boolean {
    const url = this.items[item]?.urls[frame]
    return url === undefined || this.picture(url).complete
  }

  private readonly tick = (now: number): void => {
    if (!this.running) return
    const step = 1000 / this.fps
    // Back from a hidden tab: go on from here rather than race through the time missed.
    if (now - this.last > 1000) this.last = now - step
    while (now - this.last >= step) {
      const at = this.next(this.item, this.frame)
      if (!at) {
        this.pause()
        return
      }
      if (!this.ready(...at)) {
        this.last = now - step // waits for the picture, keeping the pace after it
        break
      }
      [this.item, this.frame] = at
      this.last += step
      this.show()
    }
    this.timer = requestAnimationFrame(this.tick)
  }
}
