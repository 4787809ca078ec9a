// The frames viewer's playback clock: requestAnimationFrame at the screen's rate, showing frame
// `index` at the scene's frame rate. A frame whose time passed before it could be drawn (the page
// was busy) is skipped and counted as dropped; a frame not loaded yet stops the clock until it is
// (counted as a wait: the player shows it is loading), so time never runs ahead of the pictures.

export interface ClockHost {
  /** How many frames; the loop range (inclusive). */
  readonly count: number
  readonly range: { start: number, end: number }
  readonly loop: boolean
  /** Whether frame i can be shown now (its picture decoded, or it has none to wait for). */
  ready: (i: number) => boolean
  /** Draws frame i. */
  show: (i: number) => void
  /** Playback stopped at the end (not looping). */
  ended: () => void
}

export interface ClockStats {
  /** Frames drawn while playing. */
  shown: number
  /** Frames whose time passed before they could be drawn. */
  dropped: number
  /** Times playback waited for a frame to load. */
  waits: number
}

export class PlaybackClock {
  fps = 24
  /** The frame shown. */
  index = 0
  playing = false
  readonly stats: ClockStats = { shown: 0, dropped: 0, waits: 0 }
  /** Frames since play counted on and on (a loop wraps them onto the range): pos 0 is index at origin. */
  private origin = 0
  private originPos = 0
  private pos = 0
  private base = 0
  private raf = 0
  private waiting = false

  constructor (private readonly host: ClockHost) {}

  play (): void {
    if (this.playing || this.host.count === 0) return
    const { start, end } = this.host.range
    // From the end (or outside the loop range): again from the start, shown at once.
    const again = this.index < start || this.index >= end
    if (again) this.index = start
    this.playing = true
    this.base = this.index
    this.pos = 0
    this.rebase(performance.now())
    this.raf = requestAnimationFrame((now) => this.tick(now))
    if (again) this.host.show(this.index)
  }

  pause (): void {
    this.playing = false
    this.waiting = false
    cancelAnimationFrame(this.raf)
  }

  resetStats (): void {
    Object.assign(this.stats, { shown: 0, dropped: 0, waits: 0 })
  }

  /** Goes to frame i; playing goes on from there. */
  seek (i: number): void {
    this.index = Math.max(0, Math.min(this.host.count - 1, i))
    this.base = this.index
    this.pos = 0
    this.rebase(performance.now())
    this.host.show(this.index)
  }

  private rebase (now: number): void {
    this.origin = now
    this.originPos = this.pos
  }

  /** The frame at position p: wrapped onto the loop range, or past its end (> end) when not looping. */
  private at (p: number): number {
    const { start, end } = this.host.range
    const i = this.base + p
    if (i <= end || !this.host.loop) return i
    return start + ((i - start) % (end - start + 1))
  }

  private tick (now: number): void {
    if (!this.playing) return
    this.raf = requestAnimationFrame((t) => this.tick(t))
    const due = this.originPos + Math.floor(((now - this.origin) * this.fps) / 1000 + 1e-6)
    if (due <= this.pos) return
    const next = this.pos + 1
    if (this.at(next) > this.host.range.end) {
      this.pause()
      this.host.ended()
      return
    }
    if (!this.host.ready(this.at(next))) {
      // Not loaded yet: wait for it (time starts again once it is) rather than run on without pictures.
      if (!this.waiting) this.stats.waits++
      this.waiting = true
      this.rebase(now)
      return
    }
    // The latest frame that is due and ready; those passed over were dropped.
    let shown = this.waiting ? next : due
    while (shown > next && (this.at(shown) > this.host.range.end || !this.host.ready(this.at(shown)))) shown--
    this.stats.dropped += shown - next
    this.pos = shown
    if (shown !== due) this.rebase(now)
    this.waiting = false
    this.index = this.at(shown)
    this.stats.shown++
    this.host.show(this.index)
  }
}
